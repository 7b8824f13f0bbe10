/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "kouan-admin-enterprise-support.h"
#include "kouan-format.h"
#include "kouan-store-outbox.h"
#include "kouan-grant-status.h"
#include "kouan-join-request.h"
#include "kouan-member-list.h"
#include "kouan-role.h"
#include "kouan-store-people.h"
#include "kouan-admin-list.h"
#include "kouan-admin-member-dialog.h"
#include "kouan-admin-staff-private.h"
#include "widgets/kouan-date-button.h"

/* The members come from the offline cache (the "members" collection)
 * through a KouanMemberList (kouan-member-list.h): the page works without
 * the server, and the cache is read, filtered (with 查询) and sorted (by
 * the column headers) in a worker; a member changed by a pull reaches the
 * table as one items-changed at its row, so the selection, the scroll
 * position and the selected member's pane follow it. Roles and
 * departments for the filter menus and the 编辑 dialog are read from the
 * cache in a worker too. Edits go through the store and its outbox; join
 * requests are the server's only. */

struct _KouanAdminStaff
{
  GtkWidget        parent_instance;

  /* template */
  GtkWidget       *name_entry;
  GtkWidget       *role_dropdown;
  GtkWidget       *status_dropdown;
  GtkWidget       *department_dropdown;
  GtkWidget       *from_button;
  GtkWidget       *to_button;
  GtkWidget       *more_button;    /* 更多筛选: status, department, dates */
  GtkWidget       *filter_bar;
  GtkWidget       *column_view;
  GtkWidget       *toggle_button;
  GtkWidget       *count_label;
  GtkWidget       *join_box;       /* AdwPreferencesGroup of the pending requests */
  AdwLeaflet      *leaflet;        /* the members, then the selected one; folds when narrow */
  GtkWidget       *detail_pane;
  GtkLabel        *detail_title;
  GtkStack        *detail_stack;   /* "none" or "member" */
  AdwActionRow    *account_row;
  AdwActionRow    *department_row;
  AdwActionRow    *status_row;
  AdwActionRow    *registered_row;
  AdwPreferencesGroup *grants_group;
  AdwPreferencesGroup *cards_group;

  /* owned */
  KouanMemberList *members;        /* (nullable) the cache's, filtered and sorted */
  gint64           selected_id;    /* the member the user selected, 0: none */
  KouanMember     *shown;          /* the record the member's pane shows */
  gboolean         restoring;      /* the members' items-changed is under way */
  GObject         *probe_a;        /* two items to ask the column sorter with */
  GObject         *probe_b;
  int              probed;         /* KouanMemberSort the sorter asked, -1: none */
  GListModel      *cached_roles;   /* (nullable) KouanRole, the roles collection */
  GListModel      *cached_departments; /* (nullable) KouanDepartment */
  GCancellable    *choices_cancellable;
  guint            choices_pending; /* roles and departments being read */
  GPtrArray       *grant_rows;     /* rows shown in grants_group */
  GPtrArray       *card_rows;      /* rows shown in cards_group */
  gint64           revoke_id;      /* the member and card the open revocation names */
  char            *revoke_fingerprint;
  GPtrArray       *join_rows;      /* rows shown in join_box */
  GPtrArray       *join_requests;  /* KouanJoinRequest listed */
  GPtrArray       *wide_columns;   /* GtkColumnViewColumn hidden when folded */
  char            *message;        /* the last result told (a toast) */
  gint64           remove_id;      /* the member the open confirmation names */
  /* the filters as 查询 last applied them */
  char            *filter_name;
  gint64           filter_role;
  int              filter_status;  /* index in statuses[], -1: any */
  gint64           filter_department;
  char            *filter_from;
  char            *filter_to;
  char            *today;          /* China day the statuses are judged on */
  gulong           store_changed_id;
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

/* Results and refusals as toasts (NULL: forget the last one); the last
 * one is kept for the tests. */
static void
set_message (KouanAdminStaff *self,
             const char      *message)
{
  g_free (self->message);
  self->message = g_strdup (message);
  if (message != NULL && *message != '\0')
    kouan_admin_toast_saved (GTK_WIDGET (self), message, FALSE);
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

/* The column headers sort: KouanMemberList orders the rows in its
 * worker, so each column's sorter only tells, when asked with the two
 * probe items, which column it is; the column view's sorter answers for
 * its primary column, inverted when descending (GTK 4.8 has no call that
 * names the primary column). */
static int
probe (KouanAdminStaff *self,
       KouanMemberSort  key,
       gconstpointer    a,
       gconstpointer    b)
{
  if (a == self->probe_a && b == self->probe_b)
    {
      self->probed = key;
      return -1;
    }
  return 0;
}

static int
compare_name (gconstpointer a, gconstpointer b, gpointer data)
{
  return probe (data, KOUAN_MEMBER_SORT_NAME, a, b);
}

static int
compare_account (gconstpointer a, gconstpointer b, gpointer data)
{
  return probe (data, KOUAN_MEMBER_SORT_ACCOUNT, a, b);
}

static int
compare_department (gconstpointer a, gconstpointer b, gpointer data)
{
  return probe (data, KOUAN_MEMBER_SORT_DEPARTMENT, a, b);
}

static int
compare_status (gconstpointer a, gconstpointer b, gpointer data)
{
  return probe (data, KOUAN_MEMBER_SORT_STATUS, a, b);
}

static int
compare_registered (gconstpointer a, gconstpointer b, gpointer data)
{
  return probe (data, KOUAN_MEMBER_SORT_REGISTERED, a, b);
}

static void
sorter_changed_cb (KouanAdminStaff *self)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (GTK_COLUMN_VIEW (self->column_view));
  GtkOrdering order;

  self->probed = -1;
  order = gtk_sorter_compare (sorter, self->probe_a, self->probe_b);
  if (self->members == NULL)
    return;
  if (self->probed < 0 || order == GTK_ORDERING_EQUAL)
    kouan_member_list_set_sort (self->members, KOUAN_MEMBER_SORT_NAME, FALSE);
  else
    kouan_member_list_set_sort (self->members, self->probed, order == GTK_ORDERING_LARGER);
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
  GtkWidget *card = gtk_image_new_from_icon_name ("media-flash-symbolic");

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  /* a two-character Chinese name stays readable beside the card mark */
  gtk_label_set_width_chars (GTK_LABEL (label), 4);
  gtk_box_append (GTK_BOX (box), avatar);
  gtk_box_append (GTK_BOX (box), label);
  /* shown for a member with a bound IC card */
  gtk_widget_set_tooltip_text (card, _("Has an IC card bound"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Has an IC card bound"), -1);
  gtk_widget_add_css_class (card, "dim-label");
  gtk_box_append (GTK_BOX (box), card);
  gtk_list_item_set_child (item, box);
}

static void
name_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  owner)
{
  KouanMember *member = gtk_list_item_get_item (item);
  GtkWidget *avatar = gtk_widget_get_first_child (gtk_list_item_get_child (item));

  GtkWidget *label = gtk_widget_get_next_sibling (avatar);

  adw_avatar_set_text (ADW_AVATAR (avatar), member->name);
  gtk_label_set_label (GTK_LABEL (label), member->name);
  gtk_widget_set_visible (gtk_widget_get_next_sibling (label), member->cards->len > 0);
}


/* ---- the members, from the cache ---- */

static void update_actions (KouanAdminStaff *self);
static void load_choices (KouanAdminStaff *self);
static void apply_choices (KouanAdminStaff *self);

static KouanMember *
selected_item (KouanAdminStaff *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

static void
update_count (KouanAdminStaff *self)
{
  guint n = self->members != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->members)) : 0;
  g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u member", "%u members", n), n);

  gtk_label_set_label (GTK_LABEL (self->count_label), count);
}

/* The pane shows the selected member as the list has it now. */
static void
follow_selected (KouanAdminStaff *self)
{
  if (selected_item (self) != self->shown)
    update_actions (self);
}

static void
selected_cb (KouanAdminStaff *self)
{
  KouanMember *member;

  if (self->restoring)
    return;  /* members_changed_after() decides */
  member = selected_item (self);
  self->selected_id = member != NULL ? member->id : 0;
  follow_selected (self);
}

/* Before the selection hears of a change of the members: the selected
 * record may be replaced by its newer version, which GtkSingleSelection
 * takes for a removal. */
static void
members_changed_before (KouanAdminStaff *self)
{
  self->restoring = TRUE;
}

/* After it: the member selected before stays selected, wherever it is
 * now, and its pane shows the newer record. */
static void
members_changed_after (KouanAdminStaff *self)
{
  guint position;

  if (!self->restoring)
    return;
  self->restoring = FALSE;
  position = self->selected_id != 0 && self->members != NULL
             ? kouan_member_list_find (self->members, self->selected_id) : G_MAXUINT;
  if (position == G_MAXUINT)
    self->selected_id = 0;  /* gone, or no longer in the filter */
  if (position != G_MAXUINT && position != gtk_single_selection_get_selected (self->selection))
    gtk_single_selection_set_selected (self->selection, position);
  follow_selected (self);
  update_count (self);
}

static void
members_loaded_cb (KouanAdminStaff *self)
{
  const GError *error = kouan_member_list_get_error (self->members);

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_message (self, _("The members in this computer’s cache cannot be read. Sign out and in again to fetch them anew."));
  /* the choices that come from the members' records */
  apply_choices (self);
  update_count (self);
  follow_selected (self);
}

/* The filters as 查询 last applied them, statuses judged today. */
static void
apply_filter (KouanAdminStaff *self)
{
  g_free (self->today);
  self->today = kouan_grant_today ();
  if (self->members == NULL)
    return;
  kouan_member_list_set_filter (self->members, self->filter_name, self->filter_role,
                                self->filter_department,
                                self->filter_status >= 0 ? (int) statuses[self->filter_status] : -1,
                                self->filter_from, self->filter_to, self->today);
}

/* The members of the enterprise, from the cache (offline too); the list
 * reads them in a worker and follows the store by itself. */
static void
load_members (KouanAdminStaff *self)
{
  gint64 enterprise_id = self->admin != NULL ? kouan_admin_view_get_enterprise_id (self->admin) : 0;

  if (self->members == NULL)
    return;
  kouan_member_list_set_enterprise_id (self->members, MAX (enterprise_id, 0));
  apply_filter (self);
  update_count (self);
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
  /* the members list follows "members" and "access" by itself; losing a
   * right ("access") may empty the roles or departments */
  if (self->admin != NULL && enterprise_id == kouan_admin_view_get_enterprise_id (self->admin) &&
      (g_strcmp0 (collection, "roles") == 0 || g_strcmp0 (collection, "departments") == 0 ||
       g_strcmp0 (collection, "access") == 0))
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

  /* the members of this store */
  gtk_single_selection_set_model (self->selection, NULL);
  if (self->members != NULL)
    g_signal_handlers_disconnect_by_data (self->members, self);
  g_clear_object (&self->members);
  if (store == NULL)
    return;
  self->members = kouan_member_list_new (store);
  /* before the selection's own handler, connected by set_model */
  g_signal_connect_object (self->members, "items-changed", G_CALLBACK (members_changed_before),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->members, "loaded", G_CALLBACK (members_loaded_cb),
                           self, G_CONNECT_SWAPPED);
  sorter_changed_cb (self);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->members));
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
  apply_filter (self);
  update_actions (self);
}


/* ---- filter choices and join requests ---- */

/* The filter menus and the 编辑 dialog's roles come from the cache too:
 * the roles and departments collections when the user may see them, else
 * the roles and departments the cached members show (gathered by the
 * members list in its worker). Both collections are read in a worker;
 * apply_choices() only fills the menus, and leaves them alone when
 * nothing in them changed (so a menu keeps what the user picked). */
static void
apply_choices (KouanAdminStaff *self)
{
  gint64 enterprise_id = self->admin != NULL ? kouan_admin_view_get_enterprise_id (self->admin) : 0;
  g_autoptr(GPtrArray) roles = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) department_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) department_names = g_ptr_array_new ();
  GListModel *role_source = self->cached_roles;
  gboolean same;

  if (self->store == NULL || enterprise_id <= 0)
    ;
  else
    {
      if ((role_source == NULL || g_list_model_get_n_items (role_source) == 0) && self->members != NULL)
        role_source = kouan_member_list_get_seen_roles (self->members);
      for (guint i = 0; role_source != NULL && i < g_list_model_get_n_items (role_source); i++)
        g_ptr_array_add (roles, g_list_model_get_item (role_source, i));

      for (guint i = 0; self->cached_departments != NULL &&
                        i < g_list_model_get_n_items (self->cached_departments); i++)
        {
          g_autoptr(KouanDepartment) department = g_list_model_get_item (self->cached_departments, i);

          g_array_append_val (department_ids, department->id);
          g_ptr_array_add (department_names, department->name);
        }
      if (department_ids->len == 0 && self->members != NULL)
        {
          GArray *ids = NULL;
          GPtrArray *names = NULL;

          kouan_member_list_get_seen_departments (self->members, &ids, &names);
          g_array_append_vals (department_ids, ids->data, ids->len);
          for (guint i = 0; i < names->len; i++)
            g_ptr_array_add (department_names, g_ptr_array_index (names, i));
        }
    }

  /* the same roles (id, name) and departments: nothing to redo */
  same = roles->len == g_list_model_get_n_items (G_LIST_MODEL (self->roles)) &&
         department_ids->len == self->department_ids->len;
  for (guint i = 0; same && i < roles->len; i++)
    {
      g_autoptr(KouanRole) shown = g_list_model_get_item (G_LIST_MODEL (self->roles), i);
      KouanRole *role = g_ptr_array_index (roles, i);

      same = shown->id == role->id && shown->builtin == role->builtin && g_strcmp0 (shown->name, role->name) == 0;
    }
  for (guint i = 0; same && i < department_ids->len; i++)
    same = g_array_index (department_ids, gint64, i) == g_array_index (self->department_ids, gint64, i) &&
           g_strcmp0 (g_ptr_array_index (department_names, i),
                      gtk_string_list_get_string (self->department_names, i + 1)) == 0;
  if (same)
    return;

  g_list_store_splice (self->roles, 0, g_list_model_get_n_items (G_LIST_MODEL (self->roles)),
                       roles->pdata, roles->len);
  gtk_string_list_splice (self->role_names, 1, g_list_model_get_n_items (G_LIST_MODEL (self->role_names)) - 1, NULL);
  for (guint i = 0; i < roles->len; i++)
    {
      KouanRole *role = g_ptr_array_index (roles, i);

      gtk_string_list_append (self->role_names, kouan_role_display_name (role->name, role->builtin));
    }
  g_ptr_array_add (department_names, NULL);
  gtk_string_list_splice (self->department_names, 1,
                          g_list_model_get_n_items (G_LIST_MODEL (self->department_names)) - 1,
                          (const char * const *) department_names->pdata);
  g_array_set_size (self->department_ids, 0);
  g_array_append_vals (self->department_ids, department_ids->data, department_ids->len);
}

static void
on_choice_listed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KouanAdminStaff) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean roles = g_task_get_source_tag (G_TASK (result)) == kouan_store_list_roles_async;
  g_autoptr(GListModel) items = roles
    ? kouan_store_list_roles_finish (KOUAN_STORE (source), result, &error)
    : kouan_store_list_departments_finish (KOUAN_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->admin == NULL)
    return;
  if (self->choices_pending > 0)
    self->choices_pending--;
  if (error != NULL)
    g_warning ("Cannot list the cached %s: %s", roles ? "roles" : "departments", error->message);
  g_set_object (roles ? &self->cached_roles : &self->cached_departments, items);
  apply_choices (self);
}

static void
load_choices (KouanAdminStaff *self)
{
  gint64 enterprise_id = self->admin != NULL ? kouan_admin_view_get_enterprise_id (self->admin) : 0;

  if (self->choices_cancellable != NULL)
    {
      /* a newer read replaces the ones in flight (and their busy count) */
      g_cancellable_cancel (self->choices_cancellable);
      g_clear_object (&self->choices_cancellable);
    }
  self->choices_pending = 0;
  if (self->store == NULL || enterprise_id <= 0)
    {
      g_clear_object (&self->cached_roles);
      g_clear_object (&self->cached_departments);
      apply_choices (self);
      return;
    }
  self->choices_cancellable = g_cancellable_new ();
  self->choices_pending = 2;
  kouan_store_list_roles_async (self->store, enterprise_id, self->choices_cancellable,
                                on_choice_listed, g_object_ref (self));
  kouan_store_list_departments_async (self->store, enterprise_id, self->choices_cancellable,
                                      on_choice_listed, g_object_ref (self));
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

/* staff.decide((request id, approve)) */
static void
on_join_decide (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KouanAdminStaff *self = KOUAN_ADMIN_STAFF (widget);
  KouanClient *client = self->admin != NULL ? kouan_admin_view_get_client (self->admin) : NULL;
  KouanJoinRequest *request = NULL;
  Decision *decision;
  gint64 id;
  gboolean approve;

  g_variant_get (parameter, "(xb)", &id, &approve);
  for (guint i = 0; self->join_requests != NULL && i < self->join_requests->len; i++)
    if (((KouanJoinRequest *) g_ptr_array_index (self->join_requests, i))->id == id)
      request = g_ptr_array_index (self->join_requests, i);
  if (request == NULL || client == NULL)
    return;
  decision = g_new0 (Decision, 1);
  decision->self = g_object_ref (self);
  decision->approve = approve;
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

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->admin == NULL)
    return;
  if (self->busy > 0)
    self->busy--;
  for (guint i = 0; i < self->join_rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->join_box), g_ptr_array_index (self->join_rows, i));
  g_ptr_array_set_size (self->join_rows, 0);
  g_clear_pointer (&self->join_requests, g_ptr_array_unref);
  self->join_requests = requests != NULL ? g_ptr_array_ref (requests) : NULL;
  manage = kouan_admin_view_allows (self->admin, "admin.staff:manage");

  /* pending requests are few: rows in a boxed list */
  for (guint i = 0; requests != NULL && i < requests->len; i++)
    {
      KouanJoinRequest *request = g_ptr_array_index (requests, i);
      GtkWidget *row = adw_action_row_new ();
      const struct { const char *label; gboolean approve; } decisions[] = {
        { N_("Approve"), TRUE }, { N_("Reject"), FALSE },
      };

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), request->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), request->account);
      for (guint j = 0; manage && j < G_N_ELEMENTS (decisions); j++)
        {
          GtkWidget *button = gtk_button_new_with_label (_(decisions[j].label));
          /* Translators: the accessible name of a join request's button: "Approve 王明" */
          g_autofree char *name = g_strdup_printf (_("%s %s"), _(decisions[j].label), request->name);

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "staff.decide");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(xb)", request->id, decisions[j].approve);
          if (decisions[j].approve)
            gtk_widget_add_css_class (button, "suggested-action");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->join_box), row);
      g_ptr_array_add (self->join_rows, row);
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

  /* members, roles and departments are the cache's, offline too */
  follow_store (self);
  load_members (self);
  load_choices (self);
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

static GtkWindow *confirm_revoke (KouanAdminStaff *self,
                                   guint            index);

static void
revoke_clicked (KouanAdminStaff *self,
                GtkWidget       *button)
{
  confirm_revoke (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "kouan-card-index")) - 1);
}

static const char *
card_holder (const KouanMemberCard *card)
{
  return card->holder != NULL ? card->holder : _("Unknown holder");
}

/* The member's IC cards (bound to the account), each with 解除绑定 for
 * those who manage staff. */
static void
show_cards (KouanAdminStaff *self,
            KouanMember     *record)
{
  gboolean manage = self->admin != NULL && kouan_admin_view_allows (self->admin, "admin.staff:manage");
  gboolean pending = self->store != NULL && self->admin != NULL &&
    kouan_store_record_is_pending (self->store, kouan_admin_view_get_enterprise_id (self->admin),
                                   "members", record->id);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < self->card_rows->len; i++)
    adw_preferences_group_remove (self->cards_group, g_ptr_array_index (self->card_rows, i));
  g_ptr_array_set_size (self->card_rows, 0);
  /* a revocation queued offline: the card is gone from the cache, the
   * server has not heard of it yet */
  adw_preferences_group_set_description (self->cards_group, pending ? _("Waiting to sync") : NULL);
  for (guint i = 0; i < record->cards->len; i++)
    {
      KouanMemberCard *card = &g_array_index (record->cards, KouanMemberCard, i);
      g_autofree char *date = card->not_after > 0 ? kouan_format_unix_date (card->not_after)
                                                  : g_strdup (_("unknown"));
      g_autofree char *subtitle = NULL;
      g_autofree char *label = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button;

      subtitle = g_strdup_printf (_("Serial %s\nValid until %s"),
                                  card->serial != NULL ? card->serial : _("unknown"), date);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), card_holder (card));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("media-flash-symbolic"));
      if (card->not_after > 0 && card->not_after < now + 30 * 24 * 3600)
        {
          GtkWidget *expiring = gtk_label_new (_("Expiring soon"));

          gtk_widget_add_css_class (expiring, "warning");
          gtk_widget_set_valign (expiring, GTK_ALIGN_CENTER);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), expiring);
        }
      if (manage)
        {
          button = gtk_button_new_with_mnemonic (_("_Revoke Binding…"));
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          /* Translators: %s is the card holder's name */
          label = g_strdup_printf (_("Revoke the card binding of %s"), card_holder (card));
          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
          /* the index + 1, so no row has NULL */
          g_object_set_data (G_OBJECT (button), "kouan-card-index", GUINT_TO_POINTER (i + 1));
          g_signal_connect_object (button, "clicked", G_CALLBACK (revoke_clicked), self, G_CONNECT_SWAPPED);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      adw_preferences_group_add (self->cards_group, row);
      g_ptr_array_add (self->card_rows, row);
    }
  if (record->cards->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No IC card bound"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("The member signs in with their password."));
      adw_preferences_group_add (self->cards_group, row);
      g_ptr_array_add (self->card_rows, row);
    }
}

static void
update_actions (KouanAdminStaff *self)
{
  KouanMember *record = selected (self);
  gboolean manage = self->admin != NULL && kouan_admin_view_allows (self->admin, "admin.staff:manage");
  gboolean disabled = record != NULL && record->disabled;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.edit", record != NULL && manage);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.toggle", record != NULL && manage);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff.remove", record != NULL && manage);
  gtk_button_set_label (GTK_BUTTON (self->toggle_button), disabled ? _("Enable") : _("Disable"));

  /* the selected member's details */
  g_set_object (&self->shown, record);
  for (guint i = 0; i < self->grant_rows->len; i++)
    adw_preferences_group_remove (self->grants_group, g_ptr_array_index (self->grant_rows, i));
  g_ptr_array_set_size (self->grant_rows, 0);
  if (record == NULL)
    {
      gtk_label_set_label (self->detail_title, "");
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      return;
    }
  {
    g_autofree char *status = member_status_text (self, record);
    g_autofree char *registered = record->registered_on != NULL ? kouan_format_iso_day (record->registered_on) : NULL;

    gtk_label_set_label (self->detail_title, record->name);
    adw_action_row_set_subtitle (self->account_row, record->account);
    adw_action_row_set_subtitle (self->department_row, record->department != NULL ? record->department : _("No department"));
    adw_action_row_set_subtitle (self->status_row, status);
    adw_action_row_set_subtitle (self->registered_row, registered != NULL ? registered : "—");
  }
  for (guint i = 0; i < record->grants->len; i++)
    {
      KouanGrant *grant = &g_array_index (record->grants, KouanGrant, i);
      g_autofree char *text = kouan_admin_grant_period_text (grant, self->today);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kouan_role_display_name (grant->role, grant->builtin));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
      adw_preferences_group_add (self->grants_group, row);
      g_ptr_array_add (self->grant_rows, row);
    }
  if (record->grants->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No roles"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("The member sees only their own pages until a role is given."));
      adw_preferences_group_add (self->grants_group, row);
      g_ptr_array_add (self->grant_rows, row);
    }
  show_cards (self, record);
  gtk_stack_set_visible_child_name (self->detail_stack, "member");
}

static void
on_toggle (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  KouanAdminStaff *self = KOUAN_ADMIN_STAFF (widget);
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
  gint64 user_id = self->remove_id;

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
  /* the confirmation is modal: one at a time */
  self->remove_id = record->id;
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

static void
on_remove (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  confirm_remove (KOUAN_ADMIN_STAFF (widget));
}

static void
on_revoke_response (AdwMessageDialog *dialog,
                    const char       *response,
                    KouanAdminStaff  *self)
{
  if (g_strcmp0 (response, "revoke") == 0 && self->store != NULL && self->admin != NULL &&
      self->revoke_fingerprint != NULL)
    {
      g_autoptr(GError) error = NULL;
      gboolean queued = kouan_store_revoke_member_card (self->store,
                                                        kouan_admin_view_get_enterprise_id (self->admin),
                                                        self->revoke_id, self->revoke_fingerprint,
                                                        &error);

      report_edit (self, queued, error, _("The card binding was revoked."));
    }
  g_clear_pointer (&self->revoke_fingerprint, g_free);
}

/* 解除绑定: the card is bound to the account, so the confirmation says
 * that card login as that user ends everywhere (docs/api.md, "IC cards
 * of members"); its destructive button names the action. */
static GtkWindow *
confirm_revoke (KouanAdminStaff *self,
                guint            index)
{
  KouanMember *record = selected (self);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  KouanMemberCard *card;
  AdwMessageDialog *dialog;

  if (record == NULL || index >= record->cards->len)
    return NULL;
  card = &g_array_index (record->cards, KouanMemberCard, index);
  /* Translators: %s is the member's name */
  heading = g_strdup_printf (_("Revoke the IC card binding of %s?"), record->name);
  /* Translators: the card's holder and serial number */
  body = g_strdup_printf (_("The card of %s (serial %s) is bound to the member's account, not to this "
                            "enterprise: after this, nobody can sign in as %s with it, in any enterprise. "
                            "Their sessions signed in by card end. The member is told and can bind the "
                            "card again."),
                          card_holder (card), card->serial != NULL ? card->serial : _("unknown"),
                          record->name);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "revoke", _("_Revoke Binding"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "revoke", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  self->revoke_id = record->id;
  g_free (self->revoke_fingerprint);
  self->revoke_fingerprint = g_strdup (card->fingerprint);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_revoke_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

GtkWindow *
_kouan_admin_staff_revoke_card (KouanAdminStaff *self,
                                guint            index)
{
  return confirm_revoke (self, index);
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
on_edit (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  open_edit_dialog (KOUAN_ADMIN_STAFF (widget));
}

static void
on_query (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  run_query (KOUAN_ADMIN_STAFF (widget));
}

static void
query_cb (KouanAdminStaff *self)
{
  run_query (self);
}

/* 更多筛选 says how many of the filters it hides are set, so a short
 * list is never a mystery when the menu is closed. */
static void
more_changed_cb (KouanAdminStaff *self)
{
  guint set = 0;
  g_autofree char *label = NULL;
  g_autofree char *description = NULL;

  if (self->more_button == NULL)  /* the template is going */
    return;
  set += gtk_drop_down_get_selected (GTK_DROP_DOWN (self->status_dropdown)) > 0 &&
         gtk_drop_down_get_selected (GTK_DROP_DOWN (self->status_dropdown)) != GTK_INVALID_LIST_POSITION;
  set += gtk_drop_down_get_selected (GTK_DROP_DOWN (self->department_dropdown)) > 0 &&
         gtk_drop_down_get_selected (GTK_DROP_DOWN (self->department_dropdown)) != GTK_INVALID_LIST_POSITION;
  set += kouan_date_button_get_date (KOUAN_DATE_BUTTON (self->from_button)) != NULL ||
         kouan_date_button_get_date (KOUAN_DATE_BUTTON (self->to_button)) != NULL;
  if (set == 0)
    {
      label = g_strdup (_("More Filters"));
      description = g_strdup (_("Status, department and registration dates: none set"));
    }
  else
    {
      /* Translators: the button of the filters hidden in a menu, with how
       * many of them are set */
      label = g_strdup_printf (_("More Filters (%u)"), set);
      /* Translators: %u is how many of status, department and dates are set */
      description = g_strdup_printf (_("Status, department and registration dates: %u set"), set);
    }
  gtk_menu_button_set_label (GTK_MENU_BUTTON (self->more_button), label);
  gtk_widget_set_tooltip_text (self->more_button, description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->more_button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
  if (set > 0)
    gtk_widget_add_css_class (self->more_button, "accent");
  else
    gtk_widget_remove_css_class (self->more_button, "accent");
}

/* ---- folding ---- */

static void
member_activated_cb (KouanAdminStaff *self,
                     guint            position)
{
  gtk_single_selection_set_selected (self->selection, position);
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, self->detail_pane);
}

/* Folded, the table keeps the name and status; the rest is in the
 * member's pane. */
static void
folded_cb (KouanAdminStaff *self)
{
  gboolean folded = adw_leaflet_get_folded (self->leaflet);

  for (guint i = 0; i < self->wide_columns->len; i++)
    gtk_column_view_column_set_visible (g_ptr_array_index (self->wide_columns, i), !folded);
}

static void
on_back (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  adw_leaflet_navigate (KOUAN_ADMIN_STAFF (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
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
  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_ADMIN_STAFF);
  /* the template's unnamed children (the filters) */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->alive);
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  g_clear_weak_pointer (&self->store);
  g_cancellable_cancel (self->choices_cancellable);
  g_clear_object (&self->choices_cancellable);
  if (self->selection != NULL)
    gtk_single_selection_set_model (self->selection, NULL);
  /* a job in flight holds the list a moment longer: it tells nobody */
  if (self->members != NULL)
    g_signal_handlers_disconnect_by_data (self->members, self);
  g_clear_object (&self->members);
  g_clear_object (&self->shown);
  g_clear_object (&self->probe_a);
  g_clear_object (&self->probe_b);
  g_clear_object (&self->cached_roles);
  g_clear_object (&self->cached_departments);
  g_clear_pointer (&self->filter_name, g_free);
  g_clear_pointer (&self->filter_from, g_free);
  g_clear_pointer (&self->filter_to, g_free);
  g_clear_pointer (&self->today, g_free);
  g_clear_object (&self->roles);
  g_clear_object (&self->role_names);
  g_clear_object (&self->department_names);
  g_clear_object (&self->selection);
  g_clear_pointer (&self->department_ids, g_array_unref);
  g_clear_pointer (&self->grant_rows, g_ptr_array_unref);
  g_clear_pointer (&self->card_rows, g_ptr_array_unref);
  g_clear_pointer (&self->revoke_fingerprint, g_free);
  g_clear_pointer (&self->join_rows, g_ptr_array_unref);
  g_clear_pointer (&self->join_requests, g_ptr_array_unref);
  g_clear_pointer (&self->wide_columns, g_ptr_array_unref);
  g_clear_pointer (&self->message, g_free);

  g_clear_weak_pointer (&self->admin);
  G_OBJECT_CLASS (kouan_admin_staff_parent_class)->dispose (object);
}

static void
kouan_admin_staff_class_init (KouanAdminStaffClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_admin_staff_dispose;

  g_type_ensure (KOUAN_TYPE_DATE_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kouan/Kouan/ui/kouan-admin-staff.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, name_entry);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, role_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, department_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, from_button);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, to_button);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, more_button);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, filter_bar);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, column_view);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, toggle_button);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, count_label);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, join_box);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, detail_pane);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, detail_title);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, account_row);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, department_row);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, status_row);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, registered_row);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, grants_group);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminStaff, cards_group);
  gtk_widget_class_bind_template_callback (widget_class, query_cb);
  gtk_widget_class_bind_template_callback (widget_class, member_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, folded_cb);
  gtk_widget_class_bind_template_callback (widget_class, more_changed_cb);

  gtk_widget_class_install_action (widget_class, "staff.query", NULL, on_query);
  gtk_widget_class_install_action (widget_class, "staff.edit", NULL, on_edit);
  gtk_widget_class_install_action (widget_class, "staff.toggle", NULL, on_toggle);
  gtk_widget_class_install_action (widget_class, "staff.remove", NULL, on_remove);
  gtk_widget_class_install_action (widget_class, "staff.back", NULL, on_back);
  gtk_widget_class_install_action (widget_class, "staff.decide", "(xb)", on_join_decide);
}

static void
kouan_admin_staff_init (KouanAdminStaff *self)
{
  GtkStringList *status_names = gtk_string_list_new (NULL);
  GtkColumnView *view;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->alive = g_cancellable_new ();
  self->probe_a = g_object_new (G_TYPE_OBJECT, NULL);
  self->probe_b = g_object_new (G_TYPE_OBJECT, NULL);
  self->probed = -1;
  self->grant_rows = g_ptr_array_new ();
  self->card_rows = g_ptr_array_new ();
  self->join_rows = g_ptr_array_new ();
  self->wide_columns = g_ptr_array_new ();
  self->filter_status = -1;
  self->today = kouan_grant_today ();
  self->roles = g_list_store_new (KOUAN_TYPE_ROLE);
  self->role_names = gtk_string_list_new ((const char *[]) { _("All roles"), NULL });
  self->department_names = gtk_string_list_new ((const char *[]) { _("All departments"), NULL });
  self->department_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gtk_string_list_append (status_names, _("All statuses"));
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    gtk_string_list_append (status_names, kouan_grant_status_label (statuses[i]));
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->role_dropdown), G_LIST_MODEL (self->role_names));
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->status_dropdown), G_LIST_MODEL (status_names));
  g_object_unref (status_names);
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->department_dropdown), G_LIST_MODEL (self->department_names));
  more_changed_cb (self);

  view = GTK_COLUMN_VIEW (self->column_view);
  kouan_admin_list_add_column (view, _("Name"), G_CALLBACK (name_setup), G_CALLBACK (name_bind),
                               self, compare_name, FALSE);
  g_ptr_array_add (self->wide_columns,
                   kouan_admin_list_add_text_column (view, _("Account"), cell_account, self, compare_account, FALSE));
  g_ptr_array_add (self->wide_columns,
                   kouan_admin_list_add_text_column (view, _("Department"), cell_department, self, compare_department, FALSE));
  /* a member's roles and their validity are in the member's pane (the
   * role and status filters find members by them) */
  kouan_admin_list_add_text_column (view, _("Status"), cell_status, self, compare_status, TRUE);
  g_ptr_array_add (self->wide_columns,
                   kouan_admin_list_add_text_column (view, _("Registered"), cell_registered, self, compare_registered, FALSE));
  /* the members list comes with the store (follow_store()) */
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_column_view_set_model (view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (selected_cb), self);
  /* after the selection handled a change of the members */
  g_signal_connect_swapped (self->selection, "items-changed", G_CALLBACK (members_changed_after), self);
  g_signal_connect_swapped (gtk_column_view_get_sorter (view), "changed", G_CALLBACK (sorter_changed_cb), self);
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
  return self->busy > 0 || self->choices_pending > 0 ||
         (self->members != NULL && kouan_member_list_get_busy (self->members));
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
  gtk_widget_activate_action (GTK_WIDGET (self), "staff.query", NULL);
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
          member_activated_cb (self, i);
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
  return self->message;
}

AdwLeaflet *
_kouan_admin_staff_get_leaflet (KouanAdminStaff *self)
{
  return self->leaflet;
}

KouanMember *
_kouan_admin_staff_get_shown (KouanAdminStaff *self)
{
  return self->shown;
}

GtkWidget *
_kouan_admin_staff_get_detail (KouanAdminStaff *self)
{
  return self->detail_pane;
}

GtkWidget *
_kouan_admin_staff_get_filter_bar (KouanAdminStaff *self)
{
  return self->filter_bar;
}

GtkWidget *
_kouan_admin_staff_get_more_filters (KouanAdminStaff *self)
{
  return self->more_button;
}

void
_kouan_admin_staff_sort_by (KouanAdminStaff *self,
                            guint            column,
                            gboolean         descending)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (self->column_view);
  g_autoptr(GtkColumnViewColumn) chosen = column != G_MAXUINT
    ? g_list_model_get_item (gtk_column_view_get_columns (view), column) : NULL;

  gtk_column_view_sort_by_column (view, chosen, descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
}

guint
_kouan_admin_staff_count_visible_columns (KouanAdminStaff *self)
{
  GListModel *columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (self->column_view));
  guint visible = 0;

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      visible += gtk_column_view_column_get_visible (column);
    }
  return visible;
}

/* 人员权限 filtered to one member and that member selected (a message's
 * action, "admin.staff"): the other filters are cleared so the member
 * shows whatever they held. FALSE when the member is not listed. */
gboolean
kouan_admin_staff_show_member (KouanAdminStaff *self,
                               const char      *account)
{
  g_return_val_if_fail (KOUAN_IS_ADMIN_STAFF (self), FALSE);
  g_return_val_if_fail (account != NULL, FALSE);

  _kouan_admin_staff_set_filters (self, account, NULL, NULL, NULL, NULL);
  run_query (self);
  return _kouan_admin_staff_select (self, account);
}
