/* SPDX-License-Identifier: GPL-3.0-or-later */
/* 管理员中心 in the real KouanWindow against a real kouan-server --demo, under
 * Xvfb: create a role with permissions from the tree (a partly checked
 * parent shows it), grant it with a period, filter staff by name, role,
 * status and registration dates, remove a member after the confirmation;
 * a member without admin rights does not see the area. */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "admin/kouan-audit-page-private.h"
#include "admin/kouan-admin-departments-private.h"
#include "admin/kouan-admin-roles-private.h"
#include "admin/kouan-admin-staff-private.h"
#include "admin/kouan-admin-view.h"
#include "home/kouan-home-view.h"
#include "kouan-application.h"
#include "kouan-client.h"
#include "kouan-json.h"
#include "kouan-store-outbox.h"
#include "kouan-store-people.h"
#include "kouan-store.h"
#include "kouan-test-image.h"
#include "kouan-test-server.h"
#include "kouan-window-private.h"

#define PASSWORD "kouan-demo"

typedef struct {
  KouanClient *client;
  KouanStore  *store;
  KouanWindow *window;
  char        *token;
} Session;

static KouanTestServer *server;
static GtkApplication *app;
static char *tmpdir;

static void save_shot (gpointer    window,
                       const char *name);

static void
login_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  KouanSession **session = user_data;
  g_autoptr(GError) error = NULL;

  *session = kouan_client_login_finish (KOUAN_CLIENT (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
pointer_set (gpointer user_data)
{
  return *(gpointer *) user_data != NULL;
}

static void
ensure_server (void)
{
  const char *args[] = { "--demo", NULL };
  g_autoptr(GError) error = NULL;

  if (server != NULL)
    return;
  server = kouan_test_server_start (args);
  tmpdir = g_dir_make_tmp ("kouan-ui-admin-XXXXXX", &error);
  g_assert_no_error (error);
  app = GTK_APPLICATION (kouan_application_new ());
  g_application_set_application_id (G_APPLICATION (app), "io.github.kouan.Kouan.TestAdmin");
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
}

static gboolean
window_has_enterprise (gpointer user_data)
{
  return kouan_window_get_enterprise_id (user_data) > 0;
}

/* @store_name: the cache file (several tests may use one account) */
static void
open_session_in (Session    *session,
                 const char *account,
                 const char *store_name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *store_path = NULL;
  KouanSession *login = NULL;

  ensure_server ();
  session->client = kouan_client_new (kouan_test_server_get_url (server), &error);
  g_assert_no_error (error);
  kouan_client_login_async (session->client, account, PASSWORD, NULL, login_cb, &login);
  g_assert_true (kouan_test_wait_until (pointer_set, &login));
  session->token = g_strdup (login->token);

  store_path = g_strdup_printf ("%s/%s.db", tmpdir, store_name);
  session->store = kouan_store_open (store_path, &error);
  g_assert_no_error (error);

  session->window = kouan_window_new (app, session->client, session->store, login);
  gtk_window_set_default_size (GTK_WINDOW (session->window), 1200, 760);
  gtk_window_present (GTK_WINDOW (session->window));
  g_assert_true (kouan_test_wait_until (window_has_enterprise, session->window));
}

static void
open_session (Session    *session,
              const char *account)
{
  open_session_in (session, account, account);
}

static void
close_session (Session *session)
{
  /* Hidden, not destroyed: another area's view (credit insurance) still
   * has a search in flight whose answer must not reach a disposed view;
   * the windows go with the process. */
  gtk_widget_set_visible (GTK_WIDGET (session->window), FALSE);
  kouan_test_spin (100);
  g_clear_pointer (&session->token, g_free);
}

static guint
http (Session     *session,
      const char  *method,
      const char  *path,
      JsonObject **out)
{
  g_autofree char *url = g_strconcat (kouan_test_server_get_url (server), path, NULL);
  g_autoptr(GBytes) body = NULL;
  guint status = kouan_test_http (method, url, session->token, NULL, 0, &body);

  if (out != NULL)
    *out = body != NULL && g_bytes_get_size (body) > 0
           ? kouan_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL) : NULL;
  return status;
}

/* --- the pages -------------------------------------------------------- */

static KouanAdminView *
admin_view (Session *session)
{
  return KOUAN_ADMIN_VIEW (session->window->admin_view);
}

static gboolean
roles_loaded (gpointer user_data)
{
  KouanAdminRoles *roles = user_data;

  return !_kouan_admin_roles_get_busy (roles) && g_list_model_get_n_items (_kouan_admin_roles_get_rows (roles)) > 0;
}

typedef struct {
  KouanAdminStaff *staff;
  gint             expected;   /* -1: any */
} StaffWait;

static gboolean
staff_loaded (gpointer user_data)
{
  StaffWait *wait = user_data;
  guint n = g_list_model_get_n_items (_kouan_admin_staff_get_rows (wait->staff));

  return !_kouan_admin_staff_get_busy (wait->staff) && (wait->expected < 0 ? n > 0 : n == (guint) wait->expected);
}

static void
query (KouanAdminStaff *staff,
       const char      *name,
       const char      *role,
       const char      *status,
       const char      *from,
       const char      *to,
       gint             expected)
{
  StaffWait wait = { staff, expected };

  _kouan_admin_staff_set_filters (staff, name, role, status, from, to);
  _kouan_admin_staff_query (staff);
  if (!kouan_test_wait_until (staff_loaded, &wait))
    g_error ("staff query %s/%s/%s/%s–%s shows %u rows, expected %d (%s)", name, role, status, from, to,
             g_list_model_get_n_items (_kouan_admin_staff_get_rows (staff)), expected,
             _kouan_admin_staff_get_message (staff));
}

static KouanMember *
row (KouanAdminStaff *staff,
     guint            position)
{
  return g_list_model_get_item (_kouan_admin_staff_get_rows (staff), position);
}

typedef struct {
  KouanAdminRoles *roles;
  const char      *name;
} RoleWait;

static gboolean
role_listed (gpointer user_data)
{
  RoleWait *wait = user_data;
  GListModel *rows = _kouan_admin_roles_get_rows (wait->roles);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(KouanRole) record = g_list_model_get_item (rows, i);

      if (g_strcmp0 (record->name, wait->name) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
role_gone (gpointer user_data)
{
  return !role_listed (user_data);
}

typedef struct {
  KouanAuditPage *audit;
  guint           expected;
} AuditWait;

/* the page shows @expected entries (it follows the cache as sync fills it) */
static gboolean
audit_loaded (gpointer user_data)
{
  AuditWait *wait = user_data;

  _kouan_audit_page_set_filters (wait->audit, NULL, NULL, NULL, NULL);
  return g_list_model_get_n_items (_kouan_audit_page_get_entries (wait->audit)) >= wait->expected;
}

/* How many entries the server's audit log holds now: what the subtests
 * before this one did (none when it runs alone, `-p`) */
static guint
audit_total (Session *session)
{
  g_autoptr(JsonObject) log = NULL;

  g_assert_cmpuint (http (session, "GET", "/api/v1/enterprises/1/audit?limit=1", &log), ==, 200);
  g_assert_nonnull (log);
  return (guint) json_object_get_int_member (log, "total");
}

/* the window's sync engine has sent every queued edit and the server
 * answered for it */
static gboolean
outbox_empty (gpointer user_data)
{
  return kouan_store_count_outbox (user_data) == 0;
}

/* the staff page's first row holds the server's grants (ids given) */
static gboolean
grants_have_ids (gpointer user_data)
{
  KouanAdminStaff *staff = user_data;
  g_autoptr(KouanMember) record = NULL;

  if (_kouan_admin_staff_get_busy (staff) || g_list_model_get_n_items (_kouan_admin_staff_get_rows (staff)) != 1)
    return FALSE;
  record = g_list_model_get_item (_kouan_admin_staff_get_rows (staff), 0);
  for (guint i = 0; i < record->grants->len; i++)
    if (g_array_index (record->grants, KouanGrant, i).id <= 0)
      return FALSE;
  return TRUE;
}

static gboolean
window_gone (gpointer user_data)
{
  return *(gpointer *) user_data == NULL;
}

/* Does Escape close @window (a shortcut to its window.close action)? */
static gboolean
closes_on_escape (GtkWindow *window)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autoptr(GtkShortcutTrigger) escape = gtk_keyval_trigger_new (GDK_KEY_Escape, 0);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), escape) &&
              GTK_IS_NAMED_ACTION (action) &&
              g_strcmp0 (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)), "window.close") == 0)
            return TRUE;
        }
    }
  return FALSE;
}

static gboolean
member_has_role (gpointer user_data)
{
  KouanAdminStaff *staff = user_data;
  g_autoptr(KouanMember) record = NULL;

  if (_kouan_admin_staff_get_busy (staff) || g_list_model_get_n_items (_kouan_admin_staff_get_rows (staff)) != 1)
    return FALSE;
  record = row (staff, 0);
  /* the member row is the cache's: it shows once sync brought the change */
  for (guint i = 0; i < record->grants->len; i++)
    if (g_strcmp0 (g_array_index (record->grants, KouanGrant, i).role, "界面测试角色") == 0)
      return g_strcmp0 (record->department, "风控部") == 0;
  return FALSE;
}

static gboolean
first_row_without_card (gpointer user_data)
{
  GListModel *rows = _kouan_admin_staff_get_rows (user_data);
  g_autoptr(KouanMember) first = g_list_model_get_n_items (rows) == 1 ? g_list_model_get_item (rows, 0) : NULL;

  return first != NULL && first->cards->len == 0;
}

typedef struct {
  KouanAdminStaff *staff;
  gint64           id;
  gboolean         disabled;
} FollowWait;

/* The member @id is still selected, in its state @disabled, and its pane
 * shows that record. */
static gboolean
selected_follows (gpointer user_data)
{
  FollowWait *wait = user_data;
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (_kouan_admin_staff_get_rows (wait->staff));
  KouanMember *member = gtk_single_selection_get_selected_item (selection);

  return !_kouan_admin_staff_get_busy (wait->staff) && member != NULL && member->id == wait->id &&
         member->disabled == wait->disabled && _kouan_admin_staff_get_shown (wait->staff) == member;
}

static void
test_admin_pages (void)
{
  Session session = { 0 };
  KouanAdminView *admin;
  KouanAdminRoles *roles;
  KouanAdminStaff *staff;
  GtkWindow *dialog;
  KouanAdminRoleDialog *role_dialog;
  KouanAdminMemberDialog *member_dialog;
  RoleWait role_wait;
  g_autoptr(KouanMember) member = NULL;
  g_autoptr(JsonObject) on_server = NULL;
  g_autofree char *path = NULL;
  gint64 removed_id;
  guint audit_before;

  open_session (&session, "demo-admin");
  audit_before = audit_total (&session);
  admin = admin_view (&session);
  g_assert_true (kouan_admin_view_get_any_visible (admin));
  g_assert_true (gtk_widget_get_visible (session.window->admin_row));
  kouan_window_show_area (session.window, "admin");

  /* 角色管理: a new role from the tree */
  roles = KOUAN_ADMIN_ROLES (kouan_admin_view_get_page (admin, "admin.roles"));
  kouan_admin_view_show_page (admin, "admin.roles");
  g_assert_true (kouan_test_wait_until (roles_loaded, roles));
  role_dialog = _kouan_admin_roles_open_dialog (roles, NULL);
  g_assert_true (closes_on_escape (GTK_WINDOW (role_dialog)));
  kouan_test_spin (200);
  /* a nameless role is refused in the dialog, which stays open */
  _kouan_admin_role_dialog_confirm (role_dialog);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (role_dialog)));
  _kouan_admin_role_dialog_set_name (role_dialog, "界面测试角色");
  g_assert_cmpint (_kouan_admin_role_dialog_parent_state (role_dialog, "insurance"), ==, 0);
  _kouan_admin_role_dialog_toggle (role_dialog, "insurance", "all");
  g_assert_cmpint (_kouan_admin_role_dialog_parent_state (role_dialog, "insurance"), ==, 2);
  _kouan_admin_role_dialog_toggle (role_dialog, "insurance.risk", "view");
  g_assert_cmpint (_kouan_admin_role_dialog_parent_state (role_dialog, "insurance"), ==, 1);
  _kouan_admin_role_dialog_toggle (role_dialog, "admin.audit", "view");
  g_object_add_weak_pointer (G_OBJECT (role_dialog), (gpointer *) &role_dialog);
  _kouan_admin_role_dialog_confirm (role_dialog);
  g_assert_true (kouan_test_wait_until (window_gone, &role_dialog));
  g_assert_cmpstr (_kouan_admin_roles_get_message (roles), ==, _("The role was created."));
  role_wait.roles = roles;
  role_wait.name = "界面测试角色";
  /* shown from the cache at once, on the server once sync sent it */
  g_assert_true (kouan_test_wait_until (role_listed, &role_wait));
  g_assert_true (kouan_test_wait_until (outbox_empty, session.store));
  {
    g_autoptr(JsonObject) listing = NULL;
    JsonArray *items;
    gboolean checked = FALSE;

    g_assert_cmpuint (http (&session, "GET", "/api/v1/enterprises/1/roles", &listing), ==, 200);
    items = json_object_get_array_member (listing, "items");
    for (guint i = 0; i < json_array_get_length (items); i++)
      {
        JsonObject *role = json_array_get_object_element (items, i);
        g_autofree char *text = NULL;
        g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

        if (g_strcmp0 (json_object_get_string_member (role, "name"), "界面测试角色") != 0)
          continue;
        json_node_set_array (node, json_object_get_array_member (role, "permissions"));
        text = kouan_json_to_string (node);
        g_assert_cmpstr (text, ==, "[\"admin.audit:view\",\"insurance.claims:manage\",\"insurance.claims:view\","
                                   "\"insurance.policies:manage\",\"insurance.policies:view\","
                                   "\"insurance.subscriptions:manage\",\"insurance.subscriptions:view\"]");
        checked = TRUE;
      }
    g_assert_true (checked);
  }

  /* 人员权限: grant it to demo-user03 with a period */
  staff = KOUAN_ADMIN_STAFF (kouan_admin_view_get_page (admin, "admin.staff"));
  kouan_admin_view_show_page (admin, "admin.staff");
  query (staff, "demo-user03", NULL, NULL, NULL, NULL, 1);
  g_assert_true (_kouan_admin_staff_select (staff, "demo-user03"));
  member_dialog = _kouan_admin_staff_edit (staff);
  g_assert_true (closes_on_escape (GTK_WINDOW (member_dialog)));
  kouan_test_spin (200);
  /* a period that ends before it starts is refused in the dialog */
  _kouan_admin_member_dialog_add_grant (member_dialog, "界面测试角色", "2026-12-31", "2026-01-01");
  g_assert_cmpstr (_kouan_admin_member_dialog_get_error (member_dialog), !=, "");
  _kouan_admin_member_dialog_add_grant (member_dialog, "界面测试角色", "2026-01-01", "2026-12-31");
  g_assert_cmpstr (_kouan_admin_member_dialog_get_error (member_dialog), ==, "");
  _kouan_admin_member_dialog_set_department (member_dialog, "风控部");
  save_shot (member_dialog, "member-dialog");
  g_object_add_weak_pointer (G_OBJECT (member_dialog), (gpointer *) &member_dialog);
  _kouan_admin_member_dialog_confirm (member_dialog);
  g_assert_true (kouan_test_wait_until (window_gone, &member_dialog));
  g_assert_cmpstr (_kouan_admin_staff_get_message (staff), ==, _("The member's roles were saved."));
  g_assert_true (kouan_test_wait_until (member_has_role, staff));
  g_assert_true (kouan_test_wait_until (outbox_empty, session.store));
  member = row (staff, 0);
  path = g_strdup_printf ("/api/v1/enterprises/1/staff/%" G_GINT64_FORMAT, member->id);
  g_assert_cmpuint (http (&session, "GET", path, &on_server), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (on_server, "department"), ==, "风控部");
  {
    JsonArray *grants = json_object_get_array_member (on_server, "grants");
    gboolean found = FALSE;

    for (guint i = 0; i < json_array_get_length (grants); i++)
      {
        JsonObject *grant = json_array_get_object_element (grants, i);

        if (g_strcmp0 (json_object_get_string_member (grant, "role"), "界面测试角色") == 0)
          {
            g_assert_cmpstr (json_object_get_string_member (grant, "starts_on"), ==, "2026-01-01");
            g_assert_cmpstr (json_object_get_string_member (grant, "ends_on"), ==, "2026-12-31");
            found = TRUE;
          }
      }
    g_assert_true (found);
  }

  /* the grant's last day moved in the same dialog (once the page has the
   * server's grant, with its id) */
  g_assert_true (kouan_test_wait_until (grants_have_ids, staff));
  g_assert_true (_kouan_admin_staff_select (staff, "demo-user03"));
  member_dialog = _kouan_admin_staff_edit (staff);
  g_assert_nonnull (member_dialog);
  _kouan_admin_member_dialog_set_grant_end (member_dialog, "界面测试角色", "2026-11-30");
  g_object_add_weak_pointer (G_OBJECT (member_dialog), (gpointer *) &member_dialog);
  _kouan_admin_member_dialog_confirm (member_dialog);
  g_assert_true (kouan_test_wait_until (window_gone, &member_dialog));
  g_assert_true (kouan_test_wait_until (outbox_empty, session.store));
  g_clear_pointer (&on_server, json_object_unref);
  g_assert_cmpuint (http (&session, "GET", path, &on_server), ==, 200);
  {
    JsonArray *grants = json_object_get_array_member (on_server, "grants");
    gboolean found = FALSE;

    for (guint i = 0; i < json_array_get_length (grants); i++)
      {
        JsonObject *grant = json_array_get_object_element (grants, i);

        if (g_strcmp0 (json_object_get_string_member (grant, "role"), "界面测试角色") == 0)
          {
            g_assert_cmpstr (json_object_get_string_member (grant, "ends_on"), ==, "2026-11-30");
            found = TRUE;
          }
      }
    g_assert_true (found);
  }

  /* filters: role, status, registration dates, name */
  query (staff, NULL, "界面测试角色", NULL, NULL, NULL, 1);
  g_clear_object (&member);
  member = row (staff, 0);
  g_assert_cmpstr (member->account, ==, "demo-user03");
  query (staff, NULL, NULL, "disabled", NULL, NULL, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(KouanMember) record = row (staff, i);

      g_assert_true (record->disabled);
    }
  query (staff, NULL, NULL, NULL, "2023-01-01", "2023-12-31", 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(KouanMember) record = row (staff, i);
      const char *day = record->registered_on;

      g_assert_cmpstr (day, >=, "2023-01-01");
      g_assert_cmpstr (day, <=, "2023-12-31");
    }
  query (staff, "demo-user1", NULL, NULL, NULL, NULL, 10);


  /* 审计日志 shows what was done, newest first, as sentences, offline
   * from the cache */
  {
    KouanAuditPage *audit = KOUAN_AUDIT_PAGE (kouan_admin_view_get_page (admin, "admin.audit"));
    /* this test's three: the role, the member's edit (the dialog's grant
     * and department are one edit) and the new last day */
    AuditWait wait = { audit, audit_before + 3 };
    g_autoptr(KouanAuditEntry) newest = NULL;
    GListModel *entries;
    gboolean granted = FALSE, extended = FALSE;

    kouan_admin_view_show_page (admin, "admin.audit");
    kouan_audit_page_reload (audit);
    g_assert_true (kouan_test_wait_until (audit_loaded, &wait));
    entries = _kouan_audit_page_get_entries (audit);
    g_assert_cmpuint (g_list_model_get_n_items (entries), ==, audit_before + 3);
    newest = g_list_model_get_item (entries, 0);
    g_assert_cmpstr (newest->actor_account, ==, "demo-admin");
    for (guint i = 0; i < 3; i++)
      {
        g_autofree char *text = _kouan_audit_page_describe (audit, i);

        /* a sentence, never the raw action */
        g_assert_null (strstr (text, "grant.add"));
        g_assert_null (strstr (text, "role.create"));
        if (strstr (text, "granted") != NULL && strstr (text, "界面测试角色") != NULL &&
            strstr (text, "Dec 31, 2026") != NULL)
          granted = TRUE;
        if (strstr (text, "changed the period") != NULL && strstr (text, "Nov 30, 2026") != NULL)
          extended = TRUE;
      }
    g_assert_true (granted);
    g_assert_true (extended);
    g_assert_false (_kouan_audit_page_is_empty (audit));

    /* filters: by kind, and days that hold nothing give the empty state */
    _kouan_audit_page_set_filters (audit, NULL, "role", NULL, NULL);
    g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 1);
    _kouan_audit_page_set_filters (audit, NULL, NULL, "2001-01-01", "2001-01-31");
    g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 0);
    g_assert_true (_kouan_audit_page_is_empty (audit));
    _kouan_audit_page_set_filters (audit, NULL, NULL, NULL, NULL);
    kouan_admin_view_show_page (admin, "admin.staff");
  }

  /* (after the audit log's count: these edits are audited too) */
  query (staff, "demo-user1", NULL, NULL, NULL, NULL, 10);
  /* the column headers sort: by account (the second column), descending */
  {
    StaffWait wait = { staff, 10 };
    GListModel *rows = _kouan_admin_staff_get_rows (staff);

    _kouan_admin_staff_sort_by (staff, 1, TRUE);
    g_assert_true (_kouan_admin_staff_get_busy (staff));
    g_assert_true (kouan_test_wait_until (staff_loaded, &wait));
    for (guint i = 1; i < g_list_model_get_n_items (rows); i++)
      {
        g_autoptr(KouanMember) a = row (staff, i - 1);
        g_autoptr(KouanMember) b = row (staff, i);

        g_assert_cmpstr (a->account, >, b->account);
      }
    _kouan_admin_staff_sort_by (staff, G_MAXUINT, FALSE);
    g_assert_true (kouan_test_wait_until (staff_loaded, &wait));
    {
      g_autoptr(KouanMember) first = row (staff, 0);
      g_autoptr(KouanMember) second = row (staff, 1);

      g_assert_cmpint (g_utf8_collate (first->name, second->name), <=, 0);
    }
  }

  /* a change of the selected member (停用, then 启用 again) keeps it
   * selected, and its pane shows the newer record */
  {
    GtkSingleSelection *selection = GTK_SINGLE_SELECTION (_kouan_admin_staff_get_rows (staff));
    KouanMember *chosen;
    gint64 id;
    gboolean was_disabled;
    FollowWait wait = { staff, 0, FALSE };

    g_assert_true (_kouan_admin_staff_select (staff, "demo-user12"));
    chosen = gtk_single_selection_get_selected_item (selection);
    id = chosen->id;
    was_disabled = chosen->disabled;
    g_assert_true (_kouan_admin_staff_get_shown (staff) == chosen);
    wait.id = id;
    wait.disabled = !was_disabled;
    gtk_widget_activate_action (GTK_WIDGET (staff), "staff.toggle", NULL);
    g_assert_true (kouan_test_wait_until (selected_follows, &wait));
    g_assert_true (kouan_test_wait_until (outbox_empty, session.store));
    g_assert_true (kouan_test_wait_until (selected_follows, &wait));
    save_shot (gtk_widget_get_root (GTK_WIDGET (staff)), "staff-followed");
    wait.disabled = was_disabled;
    gtk_widget_activate_action (GTK_WIDGET (staff), "staff.toggle", NULL);
    g_assert_true (kouan_test_wait_until (selected_follows, &wait));
    g_assert_true (kouan_test_wait_until (outbox_empty, session.store));
    g_assert_true (kouan_test_wait_until (selected_follows, &wait));
  }

  /* 移除 after the confirmation */
  query (staff, "demo-user04", NULL, NULL, NULL, NULL, 1);
  g_assert_true (_kouan_admin_staff_select (staff, "demo-user04"));
  g_clear_object (&member);
  member = row (staff, 0);
  removed_id = member->id;
  dialog = _kouan_admin_staff_remove (staff);
  /* an AdwMessageDialog whose destructive answer names the action */
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "remove"));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove"),
                   ==, ADW_RESPONSE_DESTRUCTIVE);
  g_assert_cmpstr (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), "remove"),
                   ==, "_Remove Member");
  kouan_test_spin (200);
  /* nothing happens before the answer */
  g_free (path);
  path = g_strdup_printf ("/api/v1/enterprises/1/staff/%" G_GINT64_FORMAT, removed_id);
  g_assert_cmpuint (http (&session, "GET", path, NULL), ==, 200);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "remove");
  {
    StaffWait wait = { staff, 0 };

    g_assert_true (kouan_test_wait_until (staff_loaded, &wait));
  }
  g_assert_true (kouan_test_wait_until (outbox_empty, session.store));
  g_assert_cmpuint (http (&session, "GET", path, NULL), ==, 404);

  /* offline: the pages still show the cache; deleting the role queues
   * (删除角色 confirmed in an AdwMessageDialog) and reaches the server
   * exactly once when it is back */
  kouan_test_server_stop (server);
  query (staff, "demo-user1", NULL, NULL, NULL, NULL, 10);
  kouan_admin_view_show_page (admin, "admin.roles");
  g_assert_true (role_listed (&role_wait));
  dialog = _kouan_admin_roles_delete (roles, "界面测试角色");
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete"),
                   ==, ADW_RESPONSE_DESTRUCTIVE);
  g_assert_cmpstr (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), "delete"),
                   ==, "_Delete Role");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "delete");
  /* gone from the page as soon as the store tells it */
  g_assert_true (kouan_test_wait_until (role_gone, &role_wait));
  g_assert_cmpuint (kouan_store_count_outbox (session.store), ==, 1);

  /* 解除绑定 of demo-admin's IC card (the demo card), offline too: the
   * table marks the member, the confirmation names the action and says
   * the card is the account's; the cache drops the card at once and the
   * member waits to sync */
  kouan_admin_view_show_page (admin, "admin.staff");
  query (staff, "demo-admin", NULL, NULL, NULL, NULL, 1);
  g_assert_true (_kouan_admin_staff_select (staff, "demo-admin"));
  g_clear_object (&member);
  member = row (staff, 0);
  g_assert_cmpuint (member->cards->len, ==, 1);
  save_shot (session.window, "staff-card");
  dialog = _kouan_admin_staff_revoke_card (staff, 0);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (ADW_MESSAGE_DIALOG (dialog), "revoke"),
                   ==, ADW_RESPONSE_DESTRUCTIVE);
  g_assert_cmpstr (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), "revoke"),
                   ==, "_Revoke Binding");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "in any enterprise"));
  save_shot (dialog, "staff-card-revoke");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "revoke");
  g_assert_true (kouan_test_wait_until (first_row_without_card, staff));
  g_assert_cmpuint (kouan_store_count_outbox (session.store), ==, 2);
  g_clear_object (&member);
  member = row (staff, 0);
  g_assert_true (kouan_store_record_is_pending (session.store, 1, "members", member->id));

  kouan_test_server_restart (server);
  g_assert_true (kouan_test_wait_until (outbox_empty, session.store));
  {
    g_autofree char *cards_path = g_strdup_printf ("/api/v1/enterprises/1/staff/%" G_GINT64_FORMAT "/cards",
                                                   member->id);
    g_autoptr(JsonObject) cards = NULL;
    g_autoptr(JsonObject) revoked = NULL;

    g_assert_cmpuint (http (&session, "GET", cards_path, &cards), ==, 200);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (cards, "items")), ==, 0);
    g_assert_cmpuint (http (&session, "GET", "/api/v1/enterprises/1/audit?action=card.revoke", &revoked),
                      ==, 200);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (revoked, "items")), ==, 1);
  }
  {
    g_autoptr(JsonObject) listing = NULL;
    g_autoptr(JsonObject) deleted = NULL;
    JsonArray *items;

    g_assert_cmpuint (http (&session, "GET", "/api/v1/enterprises/1/roles", &listing), ==, 200);
    items = json_object_get_array_member (listing, "items");
    for (guint i = 0; i < json_array_get_length (items); i++)
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, i), "name"),
                       !=, "界面测试角色");
    g_assert_cmpuint (http (&session, "GET", "/api/v1/enterprises/1/audit?action=role.delete", &deleted),
                      ==, 200);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (deleted, "items")), ==, 1);
  }
  g_assert_false (role_listed (&role_wait));

  close_session (&session);
}

static gboolean
admin_row_visible (gpointer user_data)
{
  KouanWindow *window = user_data;

  return gtk_widget_get_visible (window->admin_row);
}

static void
test_member_without_rights (void)
{
  Session session = { 0 };

  open_session (&session, "demo-staff");
  kouan_test_spin (300);
  g_assert_false (kouan_admin_view_get_any_visible (admin_view (&session)));
  g_assert_false (gtk_widget_get_visible (session.window->admin_row));
  /* the server agrees */
  g_assert_cmpuint (http (&session, "GET", "/api/v1/enterprises/1/staff", NULL), ==, 403);

  /* an administrator grants 审计员: the member's window shows the area
   * (its access record arrives through sync), with only the pages the
   * role opens */
  {
    g_autofree char *admin_token = kouan_test_login (server, "demo-admin", PASSWORD);
    g_autofree char *url = NULL;
    g_autofree char *body = NULL;
    g_autoptr(GBytes) reply = NULL;
    g_autoptr(JsonObject) roles = NULL;
    g_autoptr(JsonObject) me = NULL;
    JsonArray *items;
    gint64 role = 0;

    url = g_strconcat (kouan_test_server_get_url (server), "/api/v1/enterprises/1/roles", NULL);
    g_assert_cmpuint (kouan_test_http ("GET", url, admin_token, NULL, 0, &reply), ==, 200);
    roles = kouan_json_parse_object (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL);
    items = json_object_get_array_member (roles, "items");
    for (guint i = 0; i < json_array_get_length (items); i++)
      if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (items, i), "name"), "审计员") == 0)
        role = json_object_get_int_member (json_array_get_object_element (items, i), "id");
    g_assert_cmpint (role, >, 0);

    g_assert_cmpuint (http (&session, "GET", "/api/v1/session", &me), ==, 200);
    g_free (url);
    url = g_strdup_printf ("%s/api/v1/enterprises/1/staff/%" G_GINT64_FORMAT "/grants",
                           kouan_test_server_get_url (server),
                           json_object_get_int_member (json_object_get_object_member (me, "user"), "id"));
    body = g_strdup_printf ("{\"role_id\":%" G_GINT64_FORMAT ",\"starts_on\":\"2020-01-01\",\"ends_on\":null}", role);
    g_assert_cmpuint (kouan_test_http ("POST", url, admin_token, body, strlen (body), NULL), ==, 201);

    g_assert_true (kouan_test_wait_until (admin_row_visible, session.window));
    g_assert_true (kouan_admin_view_allows (admin_view (&session), "admin.audit:view"));
    g_assert_false (kouan_admin_view_allows (admin_view (&session), "admin.roles:manage"));
  }
  close_session (&session);
}

/* --- adaptive: 角色管理 folds to one column when narrow ---------------- */

static gboolean
window_width_is (gpointer user_data)
{
  GtkWidget *window = g_object_get_data (user_data, "window");

  /* the surface is that wide; the window's frame takes a few pixels */
  return ABS (gtk_widget_get_width (window) - GPOINTER_TO_INT (g_object_get_data (user_data, "width"))) <= 16;
}

static void
resize (KouanWindow *window,
        int          width,
        int          height)
{
  g_autoptr(GObject) wait = g_object_new (G_TYPE_OBJECT, NULL);

  g_object_set_data (wait, "window", window);
  g_object_set_data (wait, "width", GINT_TO_POINTER (width));
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  g_assert_true (kouan_test_wait_until (window_width_is, wait));
  kouan_test_spin (300);
}

/* With KOUAN_SHOT_DIR set, the window goes to $KOUAN_SHOT_DIR/admin-@name-WIDTH.png */
static void
save_shot (gpointer    window,
           const char *name)
{
  const char *dir = g_getenv ("KOUAN_SHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  int width, height;

  if (dir == NULL)
    return;
  kouan_test_spin (400);
  width = gtk_widget_get_width (GTK_WIDGET (window));
  height = gtk_widget_get_height (GTK_WIDGET (window));
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  file = g_strdup_printf ("admin-%s-%d.png", name, width);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* 人员权限's filters are one row: every control of the bar shares its
 * top edge and none is taller than the bar itself (a wrapping bar would
 * put some below the others), and the bar is no taller than its tallest
 * control. Status, department and dates are in 更多筛选, which says how
 * many of them are set. */
static void
assert_filters_one_row (KouanAdminStaff *staff)
{
  GtkWidget *bar = _kouan_admin_staff_get_filter_bar (staff);
  int bar_height = gtk_widget_get_height (bar);
  int tallest = 0;
  guint children = 0;

  g_assert_true (gtk_widget_get_mapped (bar));
  for (GtkWidget *child = gtk_widget_get_first_child (bar); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      graphene_rect_t bounds;

      if (!gtk_widget_get_visible (child))
        continue;
      g_assert_true (gtk_widget_compute_bounds (child, bar, &bounds));
      g_assert_cmpfloat (bounds.origin.y, ==, 0);
      g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (bar) + 0.5);
      tallest = MAX (tallest, (int) bounds.size.height);
      children++;
    }
  /* the name, the role, 更多筛选 and 查询 */
  g_assert_cmpuint (children, ==, 4);
  g_assert_cmpint (bar_height, ==, tallest);
  /* the hidden filters are reachable: the menu button takes focus */
  g_assert_true (gtk_widget_get_focusable (_kouan_admin_staff_get_more_filters (staff)) ||
                 gtk_widget_get_focusable (gtk_widget_get_first_child (_kouan_admin_staff_get_more_filters (staff))));
}

static gboolean
leaflet_unfolded (gpointer user_data)
{
  return !adw_leaflet_get_folded (user_data);
}

static gboolean
leaflet_folded (gpointer user_data)
{
  return adw_leaflet_get_folded (user_data);
}

static void
test_roles_adaptive (void)
{
  Session session = { 0 };
  KouanAdminView *admin;
  KouanAdminRoles *roles;
  AdwLeaflet *leaflet;
  GtkWindow *dialog;

  open_session_in (&session, "demo-admin", "roles-adaptive");
  admin = admin_view (&session);
  kouan_window_show_area (session.window, "admin");
  roles = KOUAN_ADMIN_ROLES (kouan_admin_view_get_page (admin, "admin.roles"));
  kouan_admin_view_show_page (admin, "admin.roles");
  g_assert_true (kouan_test_wait_until (roles_loaded, roles));
  leaflet = _kouan_admin_roles_get_leaflet (roles);

  /* wide: the roles and the selected one side by side */
  resize (session.window, 1280, 800);
  g_assert_true (kouan_test_wait_until (leaflet_unfolded, leaflet));
  g_assert_true (_kouan_admin_roles_select (roles, "审计员"));
  g_assert_true (gtk_widget_get_mapped (_kouan_admin_roles_get_detail (roles)));
  save_shot (session.window, "roles");
  dialog = GTK_WINDOW (_kouan_admin_roles_open_dialog (roles, "审计员"));
  save_shot (dialog, "role-dialog");
  gtk_window_close (dialog);

  /* narrow: one column; opening a role shows it with a way back */
  resize (session.window, 600, 800);
  g_assert_true (kouan_test_wait_until (leaflet_folded, leaflet));
  kouan_admin_view_show_page (admin, "admin.roles");
  adw_leaflet_navigate (leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  kouan_test_spin (400);
  g_assert_false (gtk_widget_get_child_visible (_kouan_admin_roles_get_detail (roles)));
  save_shot (session.window, "roles-list");
  g_assert_true (_kouan_admin_roles_select (roles, "审计员"));
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == _kouan_admin_roles_get_detail (roles));
  save_shot (session.window, "roles-detail");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (roles), "roles.back", NULL));
  g_assert_true (adw_leaflet_get_visible_child (leaflet) != _kouan_admin_roles_get_detail (roles));

  /* 人员权限 folds the same way; folded, the table keeps name and status */
  {
    KouanAdminStaff *staff = KOUAN_ADMIN_STAFF (kouan_admin_view_get_page (admin, "admin.staff"));
    AdwLeaflet *staff_leaflet = _kouan_admin_staff_get_leaflet (staff);

    kouan_admin_view_show_page (admin, "admin.staff");
    query (staff, "demo-user0", NULL, NULL, NULL, NULL, -1);
    g_assert_true (kouan_test_wait_until (leaflet_folded, staff_leaflet));
    g_assert_cmpuint (_kouan_admin_staff_count_visible_columns (staff), ==, 2);
    assert_filters_one_row (staff);
    save_shot (session.window, "staff-list");
    /* a hidden filter set: 更多筛选 counts it; its menu holds the rest */
    {
      GtkMenuButton *more = GTK_MENU_BUTTON (_kouan_admin_staff_get_more_filters (staff));

      g_assert_cmpstr (gtk_menu_button_get_label (more), ==, _("More Filters"));
      _kouan_admin_staff_set_filters (staff, "demo-user0", NULL, "disabled", "2020-01-01", NULL);
      g_assert_cmpstr (gtk_menu_button_get_label (more), !=, _("More Filters"));
      g_assert_nonnull (strstr (gtk_menu_button_get_label (more), "2"));
      gtk_menu_button_popup (more);
      kouan_test_spin (300);
      g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (gtk_menu_button_get_popover (more))));
      save_shot (session.window, "staff-more-filters");
      save_shot (gtk_menu_button_get_popover (more), "staff-more-filters-menu");
      gtk_menu_button_popdown (more);
      query (staff, "demo-user0", NULL, NULL, NULL, NULL, -1);
      g_assert_cmpstr (gtk_menu_button_get_label (more), ==, _("More Filters"));
    }
    g_assert_true (_kouan_admin_staff_select (staff, "demo-user05"));
    g_assert_true (adw_leaflet_get_visible_child (staff_leaflet) == _kouan_admin_staff_get_detail (staff));
    save_shot (session.window, "staff-detail");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (staff), "staff.back", NULL));

    resize (session.window, 1280, 800);
    g_assert_true (kouan_test_wait_until (leaflet_unfolded, staff_leaflet));
    g_assert_cmpuint (_kouan_admin_staff_count_visible_columns (staff), ==, 5);
    assert_filters_one_row (staff);
    g_assert_true (_kouan_admin_staff_select (staff, "demo-user05"));
    save_shot (session.window, "staff");
  }

  resize (session.window, 1200, 760);
  close_session (&session);
}

/* --- 部门管理: one dialog for new, rename, move and head ------------- */

typedef struct {
  KouanAdminDepartments *page;
  const char            *name;
  gint64                 parent_id;   /* -1: any */
  gint64                 head_id;     /* -1: any, 0: none, 1: some */
} DepartmentWait;

static KouanDepartment *
find_department (KouanAdminDepartments *page,
                 const char            *name)
{
  GListModel *all = _kouan_admin_departments_get_all (page);

  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(KouanDepartment) record = g_list_model_get_item (all, i);

      if (g_strcmp0 (record->name, name) == 0)
        return g_steal_pointer (&record);
    }
  return NULL;
}

static gboolean
department_is (gpointer user_data)
{
  DepartmentWait *wait = user_data;
  g_autoptr(KouanDepartment) record = find_department (wait->page, wait->name);

  return record != NULL &&
         (wait->parent_id < 0 || record->parent_id == wait->parent_id) &&
         (wait->head_id < 0 || (wait->head_id == 0 ? record->head_user_id == 0 : record->head_user_id > 0));
}

static gboolean
department_synced (gpointer user_data)
{
  DepartmentWait *wait = user_data;
  g_autoptr(KouanDepartment) record = find_department (wait->page, wait->name);

  return record != NULL && record->id > 0;
}

static gboolean
department_gone (gpointer user_data)
{
  DepartmentWait *wait = user_data;
  g_autoptr(KouanDepartment) record = find_department (wait->page, wait->name);

  return record == NULL;
}

static gboolean
department_error_shown (gpointer user_data)
{
  return *_kouan_admin_department_dialog_get_error (user_data) != '\0';
}

static gboolean
departments_loaded (gpointer user_data)
{
  return g_list_model_get_n_items (_kouan_admin_departments_get_all (user_data)) > 0;
}

static void
test_departments (void)
{
  Session session = { 0 };
  KouanAdminView *admin;
  KouanAdminDepartments *page;
  KouanAdminDepartmentDialog *dialog;
  GtkWindow *confirm;
  g_autoptr(KouanDepartment) risk = NULL;
  DepartmentWait wait;

  open_session_in (&session, "demo-admin", "departments");
  admin = admin_view (&session);
  kouan_window_show_area (session.window, "admin");
  page = KOUAN_ADMIN_DEPARTMENTS (kouan_admin_view_get_page (admin, "admin.departments"));
  kouan_admin_view_show_page (admin, "admin.departments");
  g_assert_true (kouan_test_wait_until (departments_loaded, page));
  risk = find_department (page, "风控部");
  g_assert_nonnull (risk);

  /* 新增 under the selected department; a nameless one is refused in the
   * dialog, which stays open */
  g_assert_true (_kouan_admin_departments_select (page, "风控部"));
  save_shot (session.window, "departments");
  dialog = _kouan_admin_departments_open_dialog (page, FALSE);
  g_assert_true (closes_on_escape (GTK_WINDOW (dialog)));
  _kouan_admin_department_dialog_confirm (dialog);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_cmpstr (_kouan_admin_department_dialog_get_error (dialog), !=, "");
  _kouan_admin_department_dialog_fill (dialog, "界面测试部门", "风控部", NULL);
  save_shot (dialog, "department-dialog");
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  _kouan_admin_department_dialog_confirm (dialog);
  g_assert_true (kouan_test_wait_until (window_gone, &dialog));
  wait = (DepartmentWait) { page, "界面测试部门", risk->id, 0 };
  g_assert_true (kouan_test_wait_until (department_is, &wait));
  g_assert_true (kouan_test_wait_until (outbox_empty, session.store));
  /* the server kept it (a refusal would have taken it back and said so) */
  g_assert_cmpstr (_kouan_admin_departments_get_message (page), ==, _("The departments were saved."));
  g_assert_true (department_is (&wait));
  /* the server's id replaces the one given offline */
  g_assert_true (kouan_test_wait_until (department_synced, &wait));

  /* 编辑: renamed, moved to the top and given a head, in one dialog; an
   * unknown account is refused at the head's field */
  g_assert_true (_kouan_admin_departments_select (page, "界面测试部门"));
  dialog = _kouan_admin_departments_open_dialog (page, TRUE);
  _kouan_admin_department_dialog_fill (dialog, "界面测试部门二", NULL, "no-such-account");
  _kouan_admin_department_dialog_confirm (dialog);
  g_assert_true (kouan_test_wait_until (department_error_shown, dialog));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  _kouan_admin_department_dialog_fill (dialog, "界面测试部门二", NULL, "demo-user03");
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  _kouan_admin_department_dialog_confirm (dialog);
  if (!kouan_test_wait_until (window_gone, &dialog))
    g_error ("the dialog stays open: %s", _kouan_admin_department_dialog_get_error (dialog));
  wait = (DepartmentWait) { page, "界面测试部门二", 0, 1 };
  g_assert_true (kouan_test_wait_until (department_is, &wait));
  g_assert_true (kouan_test_wait_until (outbox_empty, session.store));
  g_assert_cmpstr (_kouan_admin_departments_get_message (page), ==, _("The departments were saved."));

  /* 删除部门, named in the confirmation */
  g_assert_true (_kouan_admin_departments_select (page, "界面测试部门二"));
  confirm = _kouan_admin_departments_delete (page);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (confirm));
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (confirm)), "界面测试部门二"));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (ADW_MESSAGE_DIALOG (confirm), "delete"),
                   ==, ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (confirm), "delete");
  g_assert_true (kouan_test_wait_until (department_gone, &wait));
  g_assert_true (kouan_test_wait_until (outbox_empty, session.store));

  /* narrow: one column, the selected department with a way back */
  resize (session.window, 600, 800);
  g_assert_true (kouan_test_wait_until (leaflet_folded, _kouan_admin_departments_get_leaflet (page)));
  g_assert_true (_kouan_admin_departments_select (page, "风控部"));
  save_shot (session.window, "departments-detail");
  resize (session.window, 1200, 760);
  close_session (&session);
}

/* --- one image pipeline: every picture shows offline ------------------ */

/* Pictures a widget tree shows: AdwAvatars with a custom image (the LOGO
 * and seal boxes, the 首页 header) and GtkPictures with a paintable (the
 * carousel's slides). */
static void
count_images (GtkWidget *root,
              guint     *avatars,
              guint     *pictures)
{
  if (ADW_IS_AVATAR (root) && adw_avatar_get_custom_image (ADW_AVATAR (root)) != NULL)
    (*avatars)++;
  if (GTK_IS_PICTURE (root) && gtk_picture_get_paintable (GTK_PICTURE (root)) != NULL)
    (*pictures)++;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    count_images (child, avatars, pictures);
}

typedef struct {
  GtkWidget *root;
  guint      avatars;   /* at least */
  guint      pictures;  /* at least */
} ImagesWait;

static gboolean
images_shown (gpointer user_data)
{
  ImagesWait *wait = user_data;
  guint avatars = 0, pictures = 0;

  count_images (wait->root, &avatars, &pictures);
  return avatars >= wait->avatars && pictures >= wait->pictures;
}

static void
wait_images (GtkWidget  *root,
             guint       avatars,
             guint       pictures,
             const char *what)
{
  ImagesWait wait = { root, avatars, pictures };

  if (!kouan_test_wait_until (images_shown, &wait))
    {
      guint shown_avatars = 0, shown_pictures = 0;

      count_images (root, &shown_avatars, &shown_pictures);
      g_error ("%s shows %u avatar images and %u pictures, expected %u and %u",
               what, shown_avatars, shown_pictures, avatars, pictures);
    }
}

static void
test_images_offline (void)
{
  Session online = { 0 }, offline = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonObject) image = NULL;
  g_autofree char *images_url = NULL;
  g_autofree char *mutations_url = NULL;
  g_autofree char *body = NULL;
  KouanAdminView *admin;
  KouanSession *login = NULL;
  GtkWidget *home, *settings;
  guint slides;

  /* a fresh cache: nothing of this enterprise's pictures is in it yet */
  open_session_in (&online, "demo-admin", "images-offline");

  /* the enterprise gets a LOGO and a seal (another administrator) */
  png = kouan_test_png (96, 96, 0);
  images_url = g_strconcat (kouan_test_server_get_url (server), "/api/v1/enterprises/1/images", NULL);
  g_assert_cmpuint (kouan_test_http ("POST", images_url, online.token, g_bytes_get_data (png, NULL),
                                     g_bytes_get_size (png), &reply), ==, 201);
  image = kouan_json_parse_object (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), &error);
  g_assert_no_error (error);
  mutations_url = g_strconcat (kouan_test_server_get_url (server), "/api/v1/enterprises/1/mutations", NULL);
  body = g_strdup_printf ("{\"mutations\": [{\"id\": \"ui-images-offline\", \"collection\": "
                          "\"enterprise_settings\", \"op\": \"update\", \"record_id\": 1, \"fields\": "
                          "{\"logo_image\": %" G_GINT64_FORMAT ", \"seal_image\": %" G_GINT64_FORMAT "}}]}",
                          json_object_get_int_member (image, "id"), json_object_get_int_member (image, "id"));
  g_assert_cmpuint (kouan_test_http ("POST", mutations_url, online.token, body, strlen (body), NULL), ==, 200);

  /* one online visit: 首页 (LOGO and the demo's slides) and 企业信息设置
   * (LOGO and seal) */
  home = gtk_stack_get_child_by_name (GTK_STACK (online.window->stack), "home");
  wait_images (home, 1, 1, "首页 online");
  slides = kouan_showcase_carousel_get_n_slides (kouan_home_view_get_carousel (KOUAN_HOME_VIEW (home)));
  g_assert_cmpuint (slides, >, 0);
  wait_images (home, 1, slides, "首页 online");
  admin = admin_view (&online);
  kouan_admin_view_show_page (admin, "admin.enterprise");
  settings = kouan_admin_view_get_page (admin, "admin.enterprise");
  wait_images (settings, 2, 0, "企业信息设置 online");
  close_session (&online);

  /* the server goes away; a new window on the same cache (its session
   * signed in before) shows them all */
  offline.client = kouan_client_new (kouan_test_server_get_url (server), &error);
  g_assert_no_error (error);
  kouan_client_login_async (offline.client, "demo-admin", PASSWORD, NULL, login_cb, &login);
  g_assert_true (kouan_test_wait_until (pointer_set, &login));
  kouan_test_server_stop (server);
  offline.store = g_object_ref (online.store);
  offline.window = kouan_window_new (app, offline.client, offline.store, login);
  gtk_window_set_default_size (GTK_WINDOW (offline.window), 1200, 760);
  gtk_window_present (GTK_WINDOW (offline.window));
  g_assert_true (kouan_test_wait_until (window_has_enterprise, offline.window));
  home = gtk_stack_get_child_by_name (GTK_STACK (offline.window->stack), "home");
  wait_images (home, 1, slides, "首页 offline");
  admin = admin_view (&offline);
  kouan_admin_view_show_page (admin, "admin.enterprise");
  settings = kouan_admin_view_get_page (admin, "admin.enterprise");
  wait_images (settings, 2, 0, "企业信息设置 offline");
  close_session (&offline);
  kouan_test_server_restart (server);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  /* screenshots in another language (KOUAN_SHOT_DIR, LANGUAGE) */
  if (g_getenv ("KOUAN_LOCALEDIR") != NULL)
    {
      bindtextdomain (GETTEXT_PACKAGE, g_getenv ("KOUAN_LOCALEDIR"));
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }

  g_test_add_func ("/ui/admin/member-without-rights", test_member_without_rights);
  g_test_add_func ("/ui/admin/roles-grants-filters-remove", test_admin_pages);
  g_test_add_func ("/ui/admin/images-offline", test_images_offline);
  g_test_add_func ("/ui/admin/roles-adaptive", test_roles_adaptive);
  g_test_add_func ("/ui/admin/departments", test_departments);

  status = g_test_run ();
  g_clear_object (&app);
  g_clear_pointer (&server, kouan_test_server_free);
  return status;
}
