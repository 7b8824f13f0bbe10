/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "kouan-admin-enterprise-support.h"
#include "kouan-format.h"
#include "kouan-grant-status.h"
#include "kouan-join-request.h"
#include "kouan-role.h"
#include "kouan-store-people.h"
#include "kouan-admin-list.h"
#include "kouan-admin-member-dialog.h"
#include "kouan-admin-staff-private.h"
#include "widgets/kouan-date-button.h"
#include "widgets/kouan-dialog-keys.h"

/* The members come from the offline cache (the "members" collection,
 * kouan-store-people.h): the page works without the server, and filters
 * (applied with 查询) and column sorting run here over typed
 * KouanMember records — 10 000 of them filter in a few milliseconds.
 * Roles and departments for the filter menus and the 编辑 dialog, join
 * requests and every change still go through the server's routes. */

struct _KouanAdminStaff
{
  GtkWidget        parent_instance;

  /* widgets */
  GtkWidget       *name_entry;
  GtkWidget       *role_dropdown;
  GtkWidget       *status_dropdown;
  GtkWidget       *department_dropdown;
  GtkWidget       *from_button;
  GtkWidget       *to_button;
  GtkWidget       *query_button;
  GtkWidget       *column_view;
  GtkWidget       *edit_button;
  GtkWidget       *toggle_button;
  GtkWidget       *remove_button;
  GtkWidget       *message_label;
  GtkWidget       *count_label;
  GtkWidget       *join_list;
  GtkWidget       *join_box;

  /* owned */
  GListStore      *rows;           /* KouanMember: every member in the cache */
  GtkFilterListModel *filtered;
  GtkCustomFilter *filter;
  /* the filters as 查询 last applied them */
  char            *filter_name;
  gint64           filter_role;
  int              filter_status;  /* index in statuses[], -1: any */
  gint64           filter_department;
  char            *filter_from;
  char            *filter_to;
  char            *today;          /* China day the statuses are judged on */
  gulong           store_changed_id;
  GCancellable    *members_cancellable;  /* the cache read in flight */
  GListStore      *roles;          /* KouanRole: for the filter and the dialog */
  GtkStringList   *role_names;
  GtkStringList   *department_names;
  GArray          *department_ids; /* gint64, parallel to department_names */
  GtkSingleSelection *selection;
  GCancellable    *cancellable;
  GCancellable    *alive;          /* cancelled when the page goes: its changes */
  guint            busy;

  /* borrowed */
  KouanAdminView  *admin;
  KouanStore      *store;          /* weak: the window's */
};

G_DEFINE_FINAL_TYPE (KouanAdminStaff, kouan_admin_staff, GTK_TYPE_WIDGET)

/* The filter's entries: "all", then core's statuses in reading order
 * (the words come from kouan-grant-status.h, as on the server and in
 * 我的角色). */
static const KouanGrantStatus statuses[] = {
  KOUAN_GRANT_STATUS_ACTIVE,
  KOUAN_GRANT_STATUS_EXPIRING,
  KOUAN_GRANT_STATUS_PENDING,
  KOUAN_GRANT_STATUS_EXPIRED,
  KOUAN_GRANT_STATUS_DISABLED,
};

/* A member's status with the day that goes with it, by the same rule the
 * server filters with. */
static char *
member_status_text (KouanAdminStaff *self,
                    KouanMember     *member)
{
  const char *day = NULL;
  KouanGrantStatus status = kouan_member_get_status (member, self->today, &day);

  return kouan_grant_status_describe (status, day);
}

static void
set_message (KouanAdminStaff *self,
             const char      *message)
{
  gtk_label_set_label (GTK_LABEL (self->message_label), message != NULL ? message : "");
  gtk_widget_set_visible (self->message_label, message != NULL && *message != '\0');
}

/* ---- columns ---- */

static char *
cell_account (gpointer owner, gpointer item)
{
  G_GNUC_UNUSED KouanAdminStaff *self = owner;
  KouanMember *member = item;

  return g_strdup (member->account);
}

static char *
cell_department (gpointer owner, gpointer item)
{
  G_GNUC_UNUSED KouanAdminStaff *self = owner;
  KouanMember *member = item;

  return g_strdup (member->department != NULL ? member->department : "");
}

static char *
cell_status (gpointer owner, gpointer item)
{
  G_GNUC_UNUSED KouanAdminStaff *self = owner;
  KouanMember *member = item;

  return member_status_text (self, member);
}

static char *
cell_registered (gpointer owner, gpointer item)
{
  G_GNUC_UNUSED KouanAdminStaff *self = owner;
  KouanMember *member = item;

  return kouan_format_iso_day (member->registered_on);
}

static char *
cell_roles (gpointer owner, gpointer item)
{
  G_GNUC_UNUSED KouanAdminStaff *self = owner;
  KouanMember *member = item;

  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < member->grants->len; i++)
    {
      g_autofree char *line = kouan_admin_grant_text (&g_array_index (member->grants, KouanGrant, i), self->today);

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, line);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* column sorters */
static int
compare_name (gconstpointer a, gconstpointer b, gpointer data)
{
  return g_utf8_collate (((KouanMember *) a)->name, ((KouanMember *) b)->name);
}

static int
compare_account (gconstpointer a, gconstpointer b, gpointer data)
{
  return g_strcmp0 (((KouanMember *) a)->account, ((KouanMember *) b)->account);
}

static int
compare_department (gconstpointer a, gconstpointer b, gpointer data)
{
  const char *x = ((KouanMember *) a)->department, *y = ((KouanMember *) b)->department;

  return g_utf8_collate (x != NULL ? x : "", y != NULL ? y : "");
}

static int
compare_status (gconstpointer a, gconstpointer b, gpointer data)
{
  KouanAdminStaff *self = data;

  return (int) kouan_member_get_status ((KouanMember *) a, self->today, NULL) -
         (int) kouan_member_get_status ((KouanMember *) b, self->today, NULL);
}

static int
compare_registered (gconstpointer a, gconstpointer b, gpointer data)
{
  return g_strcmp0 (((KouanMember *) a)->registered_on, ((KouanMember *) b)->registered_on);
}

/* The name column: the member's AdwAvatar (initials) beside the name. */
static void
name_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  owner)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *avatar = adw_avatar_new (24, NULL, TRUE);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), avatar);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (item, box);
}

static void
name_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  owner)
{
  KouanMember *member = gtk_list_item_get_item (item);
  GtkWidget *avatar = gtk_widget_get_first_child (gtk_list_item_get_child (item));

  adw_avatar_set_text (ADW_AVATAR (avatar), member->name);
  gtk_label_set_label (GTK_LABEL (gtk_widget_get_next_sibling (avatar)), member->name);
}


/* ---- the members, from the cache ---- */

static void update_actions (KouanAdminStaff *self);
static void load_choices (KouanAdminStaff *self);

static gboolean
member_matches (gpointer item,
                gpointer user_data)
{
  KouanMember *member = item;
  KouanAdminStaff *self = user_data;

  if (self->filter_name != NULL &&
      strstr (member->name, self->filter_name) == NULL && strstr (member->account, self->filter_name) == NULL)
    return FALSE;
  if (self->filter_role != 0 && !kouan_member_has_role (member, self->filter_role))
    return FALSE;
  if (self->filter_department != 0 && member->department_id != self->filter_department)
    return FALSE;
  if (self->filter_status >= 0 &&
      kouan_member_get_status (member, self->today, NULL) != statuses[self->filter_status])
    return FALSE;
  if (self->filter_from != NULL && g_strcmp0 (member->registered_on, self->filter_from) < 0)
    return FALSE;
  if (self->filter_to != NULL && (member->registered_on == NULL || g_strcmp0 (member->registered_on, self->filter_to) > 0))
    return FALSE;
  return TRUE;
}

static void
update_count (KouanAdminStaff *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u member", "%u members", n), n);

  gtk_label_set_label (GTK_LABEL (self->count_label), count);
}

static void
on_members_listed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KouanAdminStaff) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) members = kouan_store_list_members_finish (KOUAN_STORE (source), result, &error);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->rows == NULL)
    return;
  g_clear_object (&self->members_cancellable);
  if (self->busy > 0)
    self->busy--;
  if (error != NULL)
    set_message (self, _("The members in this computer’s cache cannot be read. Sign out and in again to fetch them anew."));
  for (guint i = 0; members != NULL && i < g_list_model_get_n_items (members); i++)
    g_ptr_array_add (items, g_list_model_get_item (members, i));
  /* one splice: the column view keeps its selection and scroll position
   * as far as the rows allow */
  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       items->pdata, items->len);
  load_choices (self);
  update_count (self);
  update_actions (self);
}

/* Reads every member of the enterprise from the cache (offline too), in a
 * worker thread: 10 000 members take ~170 ms to parse. */
static void
load_members (KouanAdminStaff *self)
{
  gint64 enterprise_id = self->admin != NULL ? kouan_admin_view_get_enterprise_id (self->admin) : 0;

  g_free (self->today);
  self->today = kouan_grant_today ();
  if (self->members_cancellable != NULL)
    {
      /* a newer read replaces the one in flight (and its busy count) */
      g_cancellable_cancel (self->members_cancellable);
      g_clear_object (&self->members_cancellable);
      if (self->busy > 0)
        self->busy--;
    }
  if (self->store == NULL || enterprise_id <= 0)
    {
      g_list_store_remove_all (self->rows);
      update_count (self);
      update_actions (self);
      return;
    }
  self->members_cancellable = g_cancellable_new ();
  self->busy++;
  kouan_store_list_members_async (self->store, enterprise_id, self->members_cancellable,
                                  on_members_listed, g_object_ref (self));
}

static void
on_store_changed (KouanStore      *store,
                  const char      *collection,
                  gint64           enterprise_id,
                  KouanAdminStaff *self)
{
  g_autoptr(GError) refused = NULL;

  if (self->admin != NULL && enterprise_id == kouan_admin_view_get_enterprise_id (self->admin) &&
      g_strcmp0 (collection, "members") == 0 &&
      !kouan_store_people_take_rejection (store, enterprise_id, "members", &refused))
    {
      /* the server refused an edit: the cache has its record back */
      g_autofree char *message = kouan_admin_view_describe_error (self->admin, refused);

      set_message (self, message);
    }
  /* "access": losing the right empties the cached members */
  if (self->admin != NULL && enterprise_id == kouan_admin_view_get_enterprise_id (self->admin) &&
      (g_strcmp0 (collection, "members") == 0 || g_strcmp0 (collection, "access") == 0))
    load_members (self);
  else if (self->admin != NULL && enterprise_id == kouan_admin_view_get_enterprise_id (self->admin) &&
           (g_strcmp0 (collection, "roles") == 0 || g_strcmp0 (collection, "departments") == 0))
    load_choices (self);
}

static void
follow_store (KouanAdminStaff *self)
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

/* 查询: takes the filters as they are now. */
static void
run_query (KouanAdminStaff *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_entry));
  guint role = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->role_dropdown));
  guint status = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->status_dropdown));
  guint department = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->department_dropdown));

  set_message (self, NULL);
  g_clear_pointer (&self->filter_name, g_free);
  if (name != NULL && *name != '\0')
    self->filter_name = g_strdup (name);
  self->filter_role = 0;
  if (role != GTK_INVALID_LIST_POSITION && role > 0 && role <= g_list_model_get_n_items (G_LIST_MODEL (self->roles)))
    {
      g_autoptr(KouanRole) record = g_list_model_get_item (G_LIST_MODEL (self->roles), role - 1);

      self->filter_role = record->id;
    }
  self->filter_status = status != GTK_INVALID_LIST_POSITION && status > 0 && status <= G_N_ELEMENTS (statuses)
                        ? (int) status - 1 : -1;
  self->filter_department = department != GTK_INVALID_LIST_POSITION && department > 0 &&
                            department <= self->department_ids->len
                            ? g_array_index (self->department_ids, gint64, department - 1) : 0;
  g_free (self->filter_from);
  self->filter_from = g_strdup (kouan_date_button_get_date (KOUAN_DATE_BUTTON (self->from_button)));
  g_free (self->filter_to);
  self->filter_to = g_strdup (kouan_date_button_get_date (KOUAN_DATE_BUTTON (self->to_button)));
  g_free (self->today);
  self->today = kouan_grant_today ();
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_count (self);
  update_actions (self);
}

static void
on_query_clicked (KouanAdminStaff *self)
{
  run_query (self);
}

/* ---- filter choices and join requests ---- */

/* The filter menus and the 编辑 dialog's roles come from the cache too:
 * the roles and departments collections when the user may see them, else
 * the roles and departments the cached members show. */
static void
load_choices (KouanAdminStaff *self)
{
  gint64 enterprise_id = self->admin != NULL ? kouan_admin_view_get_enterprise_id (self->admin) : 0;
  g_autoptr(GListModel) roles = NULL;
  g_autoptr(GListModel) departments = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  guint n_members = g_list_model_get_n_items (G_LIST_MODEL (self->rows));

  g_list_store_remove_all (self->roles);
  gtk_string_list_splice (self->role_names, 1, g_list_model_get_n_items (G_LIST_MODEL (self->role_names)) - 1, NULL);
  gtk_string_list_splice (self->department_names, 1,
                          g_list_model_get_n_items (G_LIST_MODEL (self->department_names)) - 1, NULL);
  g_array_set_size (self->department_ids, 0);
  if (self->store == NULL || enterprise_id <= 0)
    return;

  roles = kouan_store_list_roles (self->store, enterprise_id, NULL);
  for (guint i = 0; roles != NULL && i < g_list_model_get_n_items (roles); i++)
    {
      g_autoptr(KouanRole) role = g_list_model_get_item (roles, i);

      g_list_store_append (self->roles, role);
    }
  if (g_list_model_get_n_items (G_LIST_MODEL (self->roles)) == 0)
    for (guint i = 0; i < n_members; i++)
      {
        g_autoptr(KouanMember) member = g_list_model_get_item (G_LIST_MODEL (self->rows), i);

        for (guint j = 0; j < member->grants->len; j++)
          {
            KouanGrant *grant = &g_array_index (member->grants, KouanGrant, j);

            if (g_hash_table_add (seen, GSIZE_TO_POINTER ((gsize) grant->role_id)))
              {
                g_autoptr(KouanRole) role = kouan_role_new_from_grant (enterprise_id, grant->role_id,
                                                                       grant->role, grant->builtin);

                g_list_store_append (self->roles, role);
              }
          }
      }
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->roles)); i++)
    {
      g_autoptr(KouanRole) role = g_list_model_get_item (G_LIST_MODEL (self->roles), i);

      gtk_string_list_append (self->role_names, kouan_role_display_name (role->name, role->builtin));
    }

  g_hash_table_remove_all (seen);
  departments = kouan_store_list_departments (self->store, enterprise_id, NULL);
  for (guint i = 0; departments != NULL && i < g_list_model_get_n_items (departments); i++)
    {
      g_autoptr(KouanDepartment) department = g_list_model_get_item (departments, i);

      g_array_append_val (self->department_ids, department->id);
      gtk_string_list_append (self->department_names, department->name);
    }
  if (self->department_ids->len == 0)
    for (guint i = 0; i < n_members; i++)
      {
        g_autoptr(KouanMember) member = g_list_model_get_item (G_LIST_MODEL (self->rows), i);

        if (member->department_id != 0 && member->department != NULL &&
            g_hash_table_add (seen, GSIZE_TO_POINTER ((gsize) member->department_id)))
          {
            g_array_append_val (self->department_ids, member->department_id);
            gtk_string_list_append (self->department_names, member->department);
          }
      }
}

static void load_join_requests (KouanAdminStaff *self);

/* Tells what became of an edit queued in the store (applied to the cache
 * at once; the sync engine sends it, and a refusal comes back through the
 * store: on_store_changed). */
static void
report_edit (KouanAdminStaff *self,
             gboolean         queued,
             GError          *error,
             const char      *done)
{
  if (queued)
    {
      set_message (self, done);
      return;
    }
  {
    g_autofree char *message = kouan_admin_view_describe_error (self->admin, error);

    set_message (self, message);
  }
}

typedef struct {
  KouanAdminStaff *self;
  gboolean         approve;
} Decision;

static void
on_join_decided (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autofree Decision *decision = user_data;
  g_autoptr(KouanAdminStaff) self = decision->self;
  g_autoptr(GError) error = NULL;

  if (!kouan_join_request_decide_finish (KOUAN_CLIENT (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->admin == NULL)
    return;
  if (self->busy > 0)
    self->busy--;
  if (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_NETWORK))
    /* an online-only action: nothing was queued */
    set_message (self, _("Deciding a join request needs the server, which cannot be reached now. "
                         "Try again when you are online."));
  else if (error != NULL)
    {
      g_autofree char *message = kouan_admin_view_describe_error (self->admin, error);

      set_message (self, message);
    }
  else
    {
      set_message (self, decision->approve ? _("The member joined the enterprise.")
                                           : _("The join request was rejected."));
      kouan_admin_view_notify_changed (self->admin);
    }
  update_actions (self);
}

static void
on_join_decide (GtkButton       *button,
                KouanAdminStaff *self)
{
  KouanJoinRequest *request = g_object_get_data (G_OBJECT (button), "kouan-request");
  KouanClient *client = kouan_admin_view_get_client (self->admin);
  Decision *decision;

  if (request == NULL || client == NULL)
    return;
  decision = g_new0 (Decision, 1);
  decision->self = g_object_ref (self);
  decision->approve = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "kouan-approve"));
  self->busy++;
  kouan_join_request_decide_async (client, request->enterprise_id, request->id, decision->approve,
                                   self->alive, on_join_decided, decision);
}

static void
on_join_requests_loaded (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(KouanAdminStaff) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = kouan_join_requests_list_finish (KOUAN_CLIENT (source), result, &error);
  gboolean manage;
  GtkWidget *child;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->admin == NULL)
    return;
  if (self->busy > 0)
    self->busy--;
  while ((child = gtk_widget_get_first_child (self->join_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->join_list), child);
  manage = kouan_admin_view_allows (self->admin, "admin.staff:manage");

  /* pending requests are few: a GtkListBox is fine here */
  for (guint i = 0; requests != NULL && i < requests->len; i++)
    {
      KouanJoinRequest *request = g_ptr_array_index (requests, i);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      /* Translators: a member: name (account) */
      g_autofree char *text = g_strdup_printf (_("%s (%s)"), request->name, request->account);
      GtkWidget *label = gtk_label_new (text);
      const struct { const char *label; gboolean approve; } decisions[] = {
        { N_("Approve"), TRUE }, { N_("Reject"), FALSE },
      };

      gtk_widget_set_hexpand (label, TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_box_append (GTK_BOX (box), label);
      for (guint j = 0; manage && j < G_N_ELEMENTS (decisions); j++)
        {
          GtkWidget *button = gtk_button_new_with_label (_(decisions[j].label));

          g_object_set_data_full (G_OBJECT (button), "kouan-request", g_object_ref (request), g_object_unref);
          g_object_set_data (G_OBJECT (button), "kouan-approve", GINT_TO_POINTER (decisions[j].approve));
          g_signal_connect (button, "clicked", G_CALLBACK (on_join_decide), self);
          gtk_box_append (GTK_BOX (box), button);
        }
      gtk_list_box_append (GTK_LIST_BOX (self->join_list), box);
    }
  gtk_widget_set_visible (self->join_box, requests != NULL && requests->len > 0);
}

static void
load_join_requests (KouanAdminStaff *self)
{
  KouanClient *client = kouan_admin_view_get_client (self->admin);

  if (client == NULL)
    return;
  self->busy++;
  kouan_join_requests_list_async (client, kouan_admin_view_get_enterprise_id (self->admin), self->cancellable,
                                  on_join_requests_loaded, g_object_ref (self));
}

void
kouan_admin_staff_reload (KouanAdminStaff *self)
{
  g_return_if_fail (KOUAN_IS_ADMIN_STAFF (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->busy = 0;
  g_cancellable_cancel (self->members_cancellable);
  g_clear_object (&self->members_cancellable);

  /* members, roles and departments are the cache's, offline too (the
   * choices follow once the members are read) */
  follow_store (self);
  load_members (self);
  if (kouan_admin_view_get_client (self->admin) == NULL ||
      kouan_admin_view_get_enterprise_id (self->admin) == 0 ||
      !kouan_admin_view_allows (self->admin, "admin.staff:view"))
    {
      update_actions (self);
      return;
    }
  /* pending join requests are the server's only (online) */
  load_join_requests (self);
}

static void
on_admin_changed (KouanAdminStaff *self)
{
  kouan_admin_staff_reload (self);
}

/* ---- actions on the selected member ---- */

static KouanMember *
selected (KouanAdminStaff *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

static void
update_actions (KouanAdminStaff *self)
{
  KouanMember *record = selected (self);
  gboolean manage = self->admin != NULL && kouan_admin_view_allows (self->admin, "admin.staff:manage");
  gboolean disabled = record != NULL && record->disabled;

  gtk_widget_set_sensitive (self->edit_button, record != NULL && manage);
  gtk_widget_set_sensitive (self->toggle_button, record != NULL && manage);
  gtk_widget_set_sensitive (self->remove_button, record != NULL && manage);
  gtk_button_set_label (GTK_BUTTON (self->toggle_button), disabled ? _("Enable") : _("Disable"));
}

static void
on_toggle_clicked (KouanAdminStaff *self)
{
  KouanMember *record = selected (self);
  g_autoptr(GError) error = NULL;
  gboolean disabled, queued;

  if (record == NULL || self->store == NULL || self->admin == NULL)
    return;
  disabled = record->disabled;
  queued = kouan_store_update_member (self->store, kouan_admin_view_get_enterprise_id (self->admin),
                                      record->id, KOUAN_MEMBER_EDIT_MEMBERSHIP, 0, !disabled,
                                      NULL, 0, &error);
  report_edit (self, queued, error,
               disabled ? _("The member was enabled.") : _("The member was disabled."));
}

static void
on_remove_response (AdwMessageDialog *dialog,
                    const char       *response,
                    KouanAdminStaff  *self)
{
  gint64 user_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "kouan-id"));

  if (g_strcmp0 (response, "remove") == 0 && self->store != NULL && self->admin != NULL)
    {
      g_autoptr(GError) error = NULL;
      gboolean queued = kouan_store_remove_member (self->store,
                                                   kouan_admin_view_get_enterprise_id (self->admin),
                                                   user_id, &error);

      report_edit (self, queued, error, _("The member was removed from the enterprise."));
    }
}

/* 移除成员: an AdwMessageDialog whose destructive button names the action
 * (Escape and 取消 close it without a change). */
static GtkWindow *
confirm_remove (KouanAdminStaff *self)
{
  KouanMember *record = selected (self);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  if (record == NULL)
    return NULL;
  heading = g_strdup_printf (_("Remove %s from the enterprise?"), record->name);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading,
    _("The member loses every role in this enterprise and no longer sees its data. They can ask to join again.")));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "remove", _("_Remove Member"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "kouan-id", GSIZE_TO_POINTER ((gsize) record->id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

static void
on_remove_clicked (KouanAdminStaff *self)
{
  confirm_remove (self);
}

/* ---- the 编辑 dialog ---- */

static void
on_member_saved (KouanAdminMemberDialog *dialog,
                 KouanAdminStaff        *self)
{
  set_message (self, _("The member's roles were saved."));
}

static KouanAdminMemberDialog *
open_edit_dialog (KouanAdminStaff *self)
{
  KouanMember *record = selected (self);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  KouanAdminMemberDialog *dialog;

  if (record == NULL)
    return NULL;
  dialog = kouan_admin_member_dialog_new (self->admin, self->store, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                          record, G_LIST_MODEL (self->roles), self->department_ids,
                                          G_LIST_MODEL (self->department_names), today);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_member_saved), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
on_edit_clicked (KouanAdminStaff *self)
{
  open_edit_dialog (self);
}

/* ---- the class ---- */

static void
kouan_admin_staff_dispose (GObject *object)
{
  KouanAdminStaff *self = KOUAN_ADMIN_STAFF (object);
  GtkWidget *child;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->alive != NULL)
    g_cancellable_cancel (self->alive);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->alive);
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  g_clear_weak_pointer (&self->store);
  g_cancellable_cancel (self->members_cancellable);
  g_clear_object (&self->members_cancellable);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->rows);
  g_clear_pointer (&self->filter_name, g_free);
  g_clear_pointer (&self->filter_from, g_free);
  g_clear_pointer (&self->filter_to, g_free);
  g_clear_pointer (&self->today, g_free);
  g_clear_object (&self->roles);
  g_clear_object (&self->role_names);
  g_clear_object (&self->department_names);
  g_clear_object (&self->selection);
  g_clear_pointer (&self->department_ids, g_array_unref);

  g_clear_weak_pointer (&self->admin);
  G_OBJECT_CLASS (kouan_admin_staff_parent_class)->dispose (object);
}

static void
kouan_admin_staff_class_init (KouanAdminStaffClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_admin_staff_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
}

static GtkWidget *
labelled (const char *label,
          GtkWidget  *widget)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *text = gtk_label_new (label);

  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), widget);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY, text, NULL, -1);
  return box;
}

static void
kouan_admin_staff_init (KouanAdminStaff *self)
{
  GtkWidget *filters, *scrolled, *actions, *join_title;
  GtkSortListModel *sorted;
  GtkStringList *status_names = gtk_string_list_new (NULL);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 6);

  self->cancellable = g_cancellable_new ();
  self->alive = g_cancellable_new ();
  self->rows = g_list_store_new (KOUAN_TYPE_MEMBER);
  self->filter_status = -1;
  self->today = kouan_grant_today ();
  self->filter = gtk_custom_filter_new (member_matches, self, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->rows)),
                                              GTK_FILTER (g_object_ref (self->filter)));
  self->roles = g_list_store_new (KOUAN_TYPE_ROLE);
  self->role_names = gtk_string_list_new ((const char *[]) { _("All roles"), NULL });
  self->department_names = gtk_string_list_new ((const char *[]) { _("All departments"), NULL });
  self->department_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gtk_string_list_append (status_names, _("All statuses"));
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    gtk_string_list_append (status_names, kouan_grant_status_label (statuses[i]));

  /* the portal's filters: name, role, status, registration dates (+ department) */
  filters = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (filters), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (filters), 8);
  gtk_widget_set_margin_start (filters, 12);
  gtk_widget_set_margin_end (filters, 12);
  gtk_widget_set_margin_top (filters, 12);
  self->name_entry = gtk_search_entry_new ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->name_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Name or account"), -1);
  g_signal_connect_swapped (self->name_entry, "activate", G_CALLBACK (on_query_clicked), self);
  self->role_dropdown = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->role_names)), NULL);
  self->status_dropdown = gtk_drop_down_new (G_LIST_MODEL (status_names), NULL);
  self->department_dropdown = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->department_names)), NULL);
  self->from_button = kouan_date_button_new (_("Registered from"), TRUE);
  self->to_button = kouan_date_button_new (_("Registered until"), TRUE);
  self->query_button = gtk_button_new_with_label (_("Search"));
  gtk_widget_add_css_class (self->query_button, "suggested-action");
  g_signal_connect_swapped (self->query_button, "clicked", G_CALLBACK (on_query_clicked), self);
  gtk_flow_box_append (GTK_FLOW_BOX (filters), labelled (_("Name"), self->name_entry));
  gtk_flow_box_append (GTK_FLOW_BOX (filters), labelled (_("Role"), self->role_dropdown));
  gtk_flow_box_append (GTK_FLOW_BOX (filters), labelled (_("Status"), self->status_dropdown));
  gtk_flow_box_append (GTK_FLOW_BOX (filters), labelled (_("Department"), self->department_dropdown));
  gtk_flow_box_append (GTK_FLOW_BOX (filters), labelled (_("Registered"), self->from_button));
  gtk_flow_box_append (GTK_FLOW_BOX (filters), labelled ("–", self->to_button));
  gtk_flow_box_append (GTK_FLOW_BOX (filters), self->query_button);
  gtk_widget_set_parent (filters, GTK_WIDGET (self));

  actions = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start (actions, 12);
  gtk_widget_set_margin_end (actions, 12);
  self->count_label = gtk_label_new (NULL);
  gtk_widget_set_hexpand (self->count_label, TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->count_label), 0);
  self->edit_button = gtk_button_new_with_label (_("Edit"));
  self->toggle_button = gtk_button_new_with_label (_("Disable"));
  self->remove_button = gtk_button_new_with_label (_("Remove"));
  gtk_widget_add_css_class (self->remove_button, "destructive-action");
  g_signal_connect_swapped (self->edit_button, "clicked", G_CALLBACK (on_edit_clicked), self);
  g_signal_connect_swapped (self->toggle_button, "clicked", G_CALLBACK (on_toggle_clicked), self);
  g_signal_connect_swapped (self->remove_button, "clicked", G_CALLBACK (on_remove_clicked), self);
  gtk_box_append (GTK_BOX (actions), self->count_label);
  gtk_box_append (GTK_BOX (actions), self->edit_button);
  gtk_box_append (GTK_BOX (actions), self->toggle_button);
  gtk_box_append (GTK_BOX (actions), self->remove_button);
  gtk_widget_set_parent (actions, GTK_WIDGET (self));

  self->message_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->message_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->message_label), 0);
  gtk_widget_set_margin_start (self->message_label, 12);
  gtk_widget_set_visible (self->message_label, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->message_label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Status message"), -1);
  gtk_widget_set_parent (self->message_label, GTK_WIDGET (self));

  self->column_view = gtk_column_view_new (NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Members"), -1);
  {
    GtkColumnView *view = GTK_COLUMN_VIEW (self->column_view);

    kouan_admin_list_add_column (view, _("Name"), G_CALLBACK (name_setup), G_CALLBACK (name_bind),
                                 self, compare_name, FALSE);
    kouan_admin_list_add_text_column (view, _("Account"), cell_account, self, compare_account, FALSE);
    kouan_admin_list_add_text_column (view, _("Department"), cell_department, self, compare_department, FALSE);
    kouan_admin_list_add_text_column (view, _("Roles and validity"), cell_roles, self, NULL, FALSE);
    kouan_admin_list_add_text_column (view, _("Status"), cell_status, self, compare_status, FALSE);
    kouan_admin_list_add_text_column (view, _("Registered"), cell_registered, self, compare_registered, FALSE);
  }
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->filtered)),
                                    g_object_ref (gtk_column_view_get_sorter (GTK_COLUMN_VIEW (self->column_view))));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (sorted));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_column_view_set_model (GTK_COLUMN_VIEW (self->column_view), GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (update_actions), self);
  scrolled = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->column_view);
  gtk_widget_set_parent (scrolled, GTK_WIDGET (self));

  /* pending join requests (the personal center creates them) */
  self->join_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (self->join_box, 12);
  gtk_widget_set_margin_end (self->join_box, 12);
  gtk_widget_set_margin_bottom (self->join_box, 12);
  join_title = gtk_label_new (_("Pending Join Requests"));
  gtk_label_set_xalign (GTK_LABEL (join_title), 0);
  gtk_widget_add_css_class (join_title, "heading");
  self->join_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->join_list), GTK_SELECTION_NONE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->join_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Pending Join Requests"), -1);
  gtk_box_append (GTK_BOX (self->join_box), join_title);
  gtk_box_append (GTK_BOX (self->join_box), self->join_list);
  gtk_widget_set_visible (self->join_box, FALSE);
  gtk_widget_set_parent (self->join_box, GTK_WIDGET (self));
}

GtkWidget *
kouan_admin_staff_new (KouanAdminView *admin)
{
  KouanAdminStaff *self = g_object_new (KOUAN_TYPE_ADMIN_STAFF, NULL);

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
_kouan_admin_staff_get_rows (KouanAdminStaff *self)
{
  return G_LIST_MODEL (self->selection);
}

gboolean
_kouan_admin_staff_get_busy (KouanAdminStaff *self)
{
  return self->busy > 0;
}

static void
select_string (GtkWidget  *dropdown,
               const char *value)
{
  GListModel *model = gtk_drop_down_get_model (GTK_DROP_DOWN (dropdown));

  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 0);
  for (guint i = 0; value != NULL && i < g_list_model_get_n_items (model); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), value) == 0)
      gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), i);
}

void
_kouan_admin_staff_set_filters (KouanAdminStaff *self,
                                const char      *name,
                                const char      *role,
                                const char      *status,
                                const char      *from,
                                const char      *to)
{
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), name != NULL ? name : "");
  select_string (self->role_dropdown, role);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->status_dropdown), 0);
  for (guint i = 0; status != NULL && i < G_N_ELEMENTS (statuses); i++)
    if (g_strcmp0 (kouan_grant_status_to_string (statuses[i]), status) == 0)
      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->status_dropdown), i + 1);
  kouan_date_button_set_date (KOUAN_DATE_BUTTON (self->from_button), from);
  kouan_date_button_set_date (KOUAN_DATE_BUTTON (self->to_button), to);
}

void
_kouan_admin_staff_query (KouanAdminStaff *self)
{
  g_signal_emit_by_name (self->query_button, "clicked");
}

gboolean
_kouan_admin_staff_select (KouanAdminStaff *self,
                           const char      *account)
{
  GListModel *model = G_LIST_MODEL (self->selection);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KouanMember) record = g_list_model_get_item (model, i);

      if (g_strcmp0 (record->account, account) == 0)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }
  return FALSE;
}

KouanAdminMemberDialog *
_kouan_admin_staff_edit (KouanAdminStaff *self)
{
  return open_edit_dialog (self);
}

GtkWindow *
_kouan_admin_staff_remove (KouanAdminStaff *self)
{
  return confirm_remove (self);
}

const char *
_kouan_admin_staff_get_message (KouanAdminStaff *self)
{
  return gtk_label_get_label (GTK_LABEL (self->message_label));
}
