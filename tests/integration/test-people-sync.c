/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The admin center's people collections (members, roles, departments,
 * audit) synced into a real cache: what an administrator's cache holds
 * matches the server's routes, typed; a member without the rights gets
 * none of it; a change made on the server arrives with the next pull; and
 * revoking a view right takes that page's records out of the cache. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kouan-client.h"
#include "kouan-enterprise.h"
#include "kouan-join-request.h"
#include "kouan-json.h"
#include "kouan-store-people.h"
#include "kouan-store.h"
#include "kouan-sync.h"
#include "kouan-test-server.h"

#define PASSWORD "kouan-demo"
#define ENTERPRISE 1
#define WAIT_TIMEOUT_MS 20000

typedef struct {
  KouanTestServer *server;
  char            *admin;
} Fixture;

typedef struct {
  KouanClient  *client;
  KouanSession *session;
  char         *dir;
  KouanStore   *store;
  KouanSync    *sync;
} Cache;

static void
on_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  /* only catches a hang */
  gint64 deadline = g_get_monotonic_time () + (gint64) WAIT_TIMEOUT_MS * 1000 * kouan_test_timeout_scale ();

  while (*result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return *result;
}

static Cache *
cache_new (Fixture *f, const char *account)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *path = NULL;
  Cache *cache = g_new0 (Cache, 1);

  cache->client = kouan_client_new (kouan_test_server_get_url (f->server), &error);
  g_assert_no_error (error);
  kouan_client_login_async (cache->client, account, PASSWORD, NULL, on_ready, &result);
  cache->session = kouan_client_login_finish (cache->client, wait_result (&result), &error);
  g_assert_no_error (error);
  cache->dir = g_dir_make_tmp ("kouan-test-people-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (cache->dir, "cache.db", NULL);
  cache->store = kouan_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (kouan_store_save_enterprises (cache->store, cache->session->enterprises, &error));
  cache->sync = kouan_sync_new (cache->client, cache->store);
  kouan_sync_set_enterprise_id (cache->sync, ENTERPRISE);
  return cache;
}

static void
cache_free (Cache *cache)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  kouan_sync_stop (cache->sync);
  g_clear_object (&cache->sync);
  g_clear_object (&cache->store);
  g_clear_pointer (&cache->session, kouan_session_free);
  g_clear_object (&cache->client);
  dir = g_dir_open (cache->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (cache->dir, name, NULL);

      g_unlink (file);
    }
  g_rmdir (cache->dir);
  g_free (cache->dir);
  g_free (cache);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Cache, cache_free)

static void
pull (Cache *cache)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kouan_sync_run_once_async (cache->sync, NULL, on_ready, &result);
  g_assert_true (kouan_sync_run_once_finish (cache->sync, wait_result (&result), &error));
  g_assert_no_error (error);
}

static guint
request (Fixture     *f,
         const char  *method,
         const char  *path,
         const char  *token,
         const char  *body,
         JsonObject **out)
{
  g_autofree char *url = g_strdup_printf ("%s/api/v1/enterprises/%d%s",
                                          kouan_test_server_get_url (f->server), ENTERPRISE, path);
  g_autoptr(GBytes) reply = NULL;
  guint status = kouan_test_http (method, url, token, body, body != NULL ? strlen (body) : 0, &reply);

  if (out != NULL)
    *out = reply != NULL && g_bytes_get_size (reply) > 0
           ? kouan_json_parse_object (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL)
           : NULL;
  return status;
}

static gint64
total (Fixture *f, const char *path)
{
  g_autoptr(JsonObject) reply = NULL;

  g_assert_cmpuint (request (f, "GET", path, f->admin, NULL, &reply), ==, 200);
  if (json_object_has_member (reply, "total"))
    return json_object_get_int_member (reply, "total");
  return json_array_get_length (json_object_get_array_member (reply, "items"));
}

static guint
count (GListModel *model)
{
  return model != NULL ? g_list_model_get_n_items (model) : 0;
}

static KouanMember *
find_member (GListModel *members, const char *account)
{
  for (guint i = 0; i < g_list_model_get_n_items (members); i++)
    {
      g_autoptr(KouanMember) member = g_list_model_get_item (members, i);

      if (g_strcmp0 (member->account, account) == 0)
        return g_steal_pointer (&member);
    }
  return NULL;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  const char *args[] = { "--demo", NULL };

  f->server = kouan_test_server_start (args);
  f->admin = kouan_test_login (f->server, "demo-admin", PASSWORD);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->admin, g_free);
  g_clear_pointer (&f->server, kouan_test_server_free);
}

/* The administrator's cache holds what the routes show, typed. */
static void
test_admin_cache (Fixture *f, gconstpointer data)
{
  g_autoptr(Cache) cache = cache_new (f, "demo-admin");
  g_autoptr(GListModel) members = NULL, roles = NULL, departments = NULL, audit = NULL;
  g_autoptr(KouanMember) admin = NULL, ending = NULL;
  g_autoptr(KouanRole) first = NULL;
  g_autofree char *today = NULL;
  g_autoptr(GError) error = NULL;

  pull (cache);
  members = kouan_store_list_members (cache->store, ENTERPRISE, &error);
  roles = kouan_store_list_roles (cache->store, ENTERPRISE, &error);
  departments = kouan_store_list_departments (cache->store, ENTERPRISE, &error);
  audit = kouan_store_list_audit (cache->store, ENTERPRISE, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (count (members), ==, total (f, "/staff?limit=1"));
  g_assert_cmpuint (count (roles), ==, total (f, "/roles"));
  g_assert_cmpuint (count (departments), ==, total (f, "/departments"));
  g_assert_cmpuint (count (audit), ==, total (f, "/audit?limit=1"));
  g_assert_cmpuint (count (members), >, 10);
  g_assert_cmpuint (count (roles), >, 1);
  g_assert_cmpuint (count (departments), >, 0);

  /* the built-in role comes first, and reads "Administrator" here (C locale) */
  first = g_list_model_get_item (roles, 0);
  g_assert_true (first->builtin);
  g_assert_cmpstr (kouan_role_display_name (first->name, first->builtin), ==, "Administrator");

  /* the administrator holds it, open-ended: active */
  admin = find_member (members, "demo-admin");
  g_assert_nonnull (admin);
  today = kouan_grant_today ();
  g_assert_cmpint (kouan_member_get_status (admin, today, NULL), ==, KOUAN_GRANT_STATUS_ACTIVE);
  g_assert_cmpuint (admin->grants->len, >, 0);
  g_assert_true (g_array_index (admin->grants, KouanGrant, 0).builtin);

  /* demo-user11's grant ends in five days: expiring, with its last day */
  ending = find_member (members, "demo-user11");
  g_assert_nonnull (ending);
  {
    const char *day = NULL;

    g_assert_cmpint (kouan_member_get_status (ending, today, &day), ==, KOUAN_GRANT_STATUS_EXPIRING);
    g_assert_nonnull (day);
    g_assert_cmpstr (day, >, today);
  }
}

/* A member without any admin right gets none of the people records. */
static void
test_plain_member_gets_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr(Cache) cache = cache_new (f, "demo-user01");
  g_autoptr(GListModel) members = NULL, roles = NULL, departments = NULL, audit = NULL;

  pull (cache);
  members = kouan_store_list_members (cache->store, ENTERPRISE, NULL);
  roles = kouan_store_list_roles (cache->store, ENTERPRISE, NULL);
  departments = kouan_store_list_departments (cache->store, ENTERPRISE, NULL);
  audit = kouan_store_list_audit (cache->store, ENTERPRISE, NULL);
  g_assert_cmpuint (count (members), ==, 0);
  g_assert_cmpuint (count (roles), ==, 0);
  g_assert_cmpuint (count (departments), ==, 0);
  g_assert_cmpuint (count (audit), ==, 0);
}

static gint64
find_id (Fixture *f, const char *path, const char *member, const char *value, const char *id_member)
{
  g_autoptr(JsonObject) reply = NULL;
  JsonArray *items;

  g_assert_cmpuint (request (f, "GET", path, f->admin, NULL, &reply), ==, 200);
  items = json_object_get_array_member (reply, "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (item, member), value) == 0)
        return json_object_get_int_member (item, id_member);
    }
  g_assert_not_reached ();
}

/* Granted 人员权限 (view), a member's cache fills with members and follows
 * the server's changes; once the grant goes, the members leave the cache. */
static void
test_grant_then_revoke (Fixture *f, gconstpointer data)
{
  g_autoptr(Cache) cache = NULL;
  g_autoptr(GListModel) members = NULL;
  g_autoptr(GListModel) roles = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(KouanMember) renamed = NULL;
  g_autofree char *body = NULL;
  g_autofree char *grants = NULL;
  g_autofree char *grant = NULL;
  g_autofree char *department = NULL;
  gint64 user, role, grant_id, department_id;

  user = find_id (f, "/staff?name=demo-user02", "account", "demo-user02", "user_id");
  g_assert_cmpuint (request (f, "POST", "/roles", f->admin,
                             "{\"name\":\"人员查看\",\"permissions\":[\"admin.staff:view\"]}", &reply), ==, 201);
  role = json_object_get_int_member (reply, "id");
  g_clear_pointer (&reply, json_object_unref);
  grants = g_strdup_printf ("/staff/%" G_GINT64_FORMAT "/grants", user);
  body = g_strdup_printf ("{\"role_id\":%" G_GINT64_FORMAT ",\"starts_on\":\"2020-01-01\",\"ends_on\":null}", role);
  g_assert_cmpuint (request (f, "POST", grants, f->admin, body, &reply), ==, 201);
  grant_id = json_object_get_int_member (reply, "id");
  g_clear_pointer (&reply, json_object_unref);

  cache = cache_new (f, "demo-user02");
  pull (cache);
  members = kouan_store_list_members (cache->store, ENTERPRISE, NULL);
  roles = kouan_store_list_roles (cache->store, ENTERPRISE, NULL);
  g_assert_cmpuint (count (members), ==, total (f, "/staff?limit=1"));
  /* 人员权限 only: no roles */
  g_assert_cmpuint (count (roles), ==, 0);

  /* a department renamed on the server: its members show the new name
   * after the next pull */
  {
    g_autoptr(KouanMember) someone = NULL;

    for (guint i = 0; someone == NULL && i < count (members); i++)
      {
        g_autoptr(KouanMember) member = g_list_model_get_item (members, i);

        if (member->department_id != 0)
          someone = g_steal_pointer (&member);
      }
    if (someone == NULL)
      g_error ("no member of the demo data is in a department");
    department_id = someone->department_id;
    department = g_strdup_printf ("/departments/%" G_GINT64_FORMAT, department_id);
    g_assert_cmpuint (request (f, "PATCH", department, f->admin, "{\"name\":\"新名称部\"}", NULL), ==, 200);
    pull (cache);
    g_clear_object (&members);
    members = kouan_store_list_members (cache->store, ENTERPRISE, NULL);
    renamed = find_member (members, someone->account);
    g_assert_nonnull (renamed);
    g_assert_cmpstr (renamed->department, ==, "新名称部");
  }

  /* the grant goes: the member's access changes, the cache lets go */
  grant = g_strdup_printf ("/grants/%" G_GINT64_FORMAT, grant_id);
  g_assert_cmpuint (request (f, "DELETE", grant, f->admin, NULL, NULL), ==, 204);
  pull (cache);
  g_clear_object (&members);
  members = kouan_store_list_members (cache->store, ENTERPRISE, NULL);
  g_assert_cmpuint (count (members), ==, 0);
}

static GError *
call_error (Cache *cache, const char *method, const char *path)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) reply = NULL;
  GError *error = NULL;

  kouan_client_call_async (cache->client, method, path, NULL, NULL, on_ready, &result);
  reply = kouan_client_call_finish (cache->client, wait_result (&result), &error);
  g_assert_null (reply);
  return error;
}

/* The server's refusal travels in the GError (domain, code, server code),
 * not as the client's last error: a later failure leaves it as it was. */
static void
test_error_carries_code (Fixture *f, gconstpointer data)
{
  g_autoptr(Cache) cache = cache_new (f, "demo-admin");
  g_autoptr(GListModel) roles = NULL;
  g_autoptr(KouanRole) builtin = NULL;
  g_autoptr(GError) refused = NULL;
  g_autoptr(GError) missing = NULL;
  g_autofree char *path = NULL;

  pull (cache);
  roles = kouan_store_list_roles (cache->store, ENTERPRISE, NULL);
  builtin = g_list_model_get_item (roles, 0);
  g_assert_true (builtin->builtin);
  path = g_strdup_printf ("/api/v1/enterprises/%d/roles/%" G_GINT64_FORMAT, ENTERPRISE, builtin->id);
  refused = call_error (cache, "DELETE", path);
  g_assert_error (refused, KOUAN_API_ERROR, KOUAN_API_ERROR_CONFLICT);
  g_assert_cmpstr (kouan_api_error_get_server_code (refused), ==, "builtin_role");

  missing = call_error (cache, "DELETE", "/api/v1/enterprises/1/roles/999999");
  g_assert_error (missing, KOUAN_API_ERROR, KOUAN_API_ERROR_NOT_FOUND);
  g_assert_cmpstr (kouan_api_error_get_server_code (missing), ==, "not_found");
  /* the first error still says what the server said then */
  g_assert_cmpstr (kouan_api_error_get_server_code (refused), ==, "builtin_role");
  /* and survives a copy (GTask, idle callbacks) */
  {
    g_autoptr(GError) copy = g_error_copy (refused);

    g_assert_cmpstr (kouan_api_error_get_server_code (copy), ==, "builtin_role");
  }
  g_assert_null (kouan_api_error_get_server_code (NULL));
}

/* Join requests go through a typed core service (online only): listed as
 * records, approved, and the member comes back into the cache; offline
 * the decision fails as a network error and nothing is queued. */
static void
test_join_request_service (Fixture *f, gconstpointer data)
{
  g_autoptr(Cache) cache = cache_new (f, "demo-admin");
  g_autoptr(GAsyncResult) listed = NULL;
  g_autoptr(GAsyncResult) decided = NULL;
  g_autoptr(GAsyncResult) offline_result = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GListModel) members = NULL;
  g_autoptr(KouanMember) back = NULL;
  g_autoptr(KouanClient) offline = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *member_path = NULL;
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;
  KouanJoinRequest *pending = NULL;
  gint64 user;

  /* demo-user05 is removed, then asks to join again */
  user = find_id (f, "/staff?name=demo-user05", "account", "demo-user05", "user_id");
  token = kouan_test_login (f->server, "demo-user05", PASSWORD);
  member_path = g_strdup_printf ("/staff/%" G_GINT64_FORMAT, user);
  g_assert_cmpuint (request (f, "DELETE", member_path, f->admin, NULL, NULL), ==, 204);
  url = g_strdup_printf ("%s/api/v1/join-requests", kouan_test_server_get_url (f->server));
  g_assert_cmpuint (kouan_test_http ("POST", url, token, "{\"enterprise_id\":1}", 19, NULL), ==, 201);

  kouan_join_requests_list_async (cache->client, ENTERPRISE, NULL, on_ready, &listed);
  requests = kouan_join_requests_list_finish (cache->client, wait_result (&listed), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < requests->len; i++)
    if (((KouanJoinRequest *) requests->pdata[i])->user_id == user)
      pending = requests->pdata[i];
  g_assert_nonnull (pending);
  g_assert_cmpstr (pending->account, ==, "demo-user05");

  /* offline: a plain network error, nothing sent or queued */
  offline = kouan_client_new ("http://127.0.0.1:1", &error);
  g_assert_no_error (error);
  kouan_join_request_decide_async (offline, ENTERPRISE, pending->id, TRUE, NULL, on_ready, &offline_result);
  g_assert_false (kouan_join_request_decide_finish (offline, wait_result (&offline_result), &error));
  g_assert_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_NETWORK);
  g_clear_error (&error);
  g_assert_cmpuint (kouan_store_count_outbox (cache->store), ==, 0);

  kouan_join_request_decide_async (cache->client, ENTERPRISE, pending->id, TRUE, NULL, on_ready, &decided);
  g_assert_true (kouan_join_request_decide_finish (cache->client, wait_result (&decided), &error));
  g_assert_no_error (error);

  pull (cache);
  members = kouan_store_list_members (cache->store, ENTERPRISE, NULL);
  back = find_member (members, "demo-user05");
  g_assert_nonnull (back);
  g_assert_cmpuint (back->grants->len, ==, 0);
}

/* A record that breaks its codec never enters the cache. */
static void
test_strict_codecs (void)
{
  static const char *const bad_members[] = {
    "{\"id\":1,\"account\":\"a\",\"name\":\"n\",\"department_id\":null,\"department\":null,"
    " \"membership\":\"sleeping\",\"registered_on\":null,\"grants\":[]}",
    "{\"id\":1,\"account\":\"a\",\"name\":\"n\",\"department_id\":null,\"department\":null,"
    " \"membership\":\"active\",\"registered_on\":\"2026-02-30\",\"grants\":[]}",
    "{\"id\":1,\"account\":\"a\",\"name\":\"n\",\"department_id\":null,\"department\":null,"
    " \"membership\":\"active\",\"registered_on\":null,\"grants\":[{\"id\":1,\"role_id\":2,\"role\":\"r\","
    " \"builtin\":false,\"starts_on\":\"2026-03-10\",\"ends_on\":\"2026-03-09\"}]}",
    "{\"id\":\"1\",\"account\":\"a\",\"name\":\"n\",\"department_id\":null,\"department\":null,"
    " \"membership\":\"active\",\"registered_on\":null,\"grants\":[]}",
  };
  g_autoptr(JsonObject) good = kouan_json_parse_object (
    "{\"id\":7,\"account\":\"a\",\"name\":\"n\",\"department_id\":3,\"department\":\"d\","
    " \"membership\":\"disabled\",\"registered_on\":\"2026-01-02\",\"grants\":[{\"id\":1,\"role_id\":2,"
    " \"role\":\"r\",\"builtin\":false,\"starts_on\":\"2026-03-10\",\"ends_on\":null}]}", -1, NULL);
  g_autoptr(KouanMember) member = kouan_member_new_from_json (good, 1, NULL);
  g_autoptr(JsonObject) role = kouan_json_parse_object (
    "{\"id\":2,\"name\":\"r\",\"builtin\":false,\"created_at\":1,\"permissions\":[\"admin.staff:fly\"]}", -1, NULL);
  g_autoptr(JsonObject) entry = kouan_json_parse_object (
    "{\"id\":2,\"actor_id\":null,\"actor_account\":null,\"actor_name\":null,\"action\":\"DROP TABLE\","
    " \"before\":null,\"after\":null,\"at\":1}", -1, NULL);
  g_autoptr(GError) error = NULL;
  KouanRole *no_role;
  KouanAuditEntry *no_entry;

  g_assert_nonnull (member);
  g_assert_true (member->disabled);
  g_assert_cmpint (kouan_member_get_status (member, "2026-03-11", NULL), ==, KOUAN_GRANT_STATUS_DISABLED);
  g_assert_true (kouan_member_has_role (member, 2));
  for (guint i = 0; i < G_N_ELEMENTS (bad_members); i++)
    {
      g_autoptr(JsonObject) record = kouan_json_parse_object (bad_members[i], -1, NULL);
      KouanMember *bad = kouan_member_new_from_json (record, 1, &error);

      g_assert_null (bad);
      g_assert_nonnull (error);
      g_clear_error (&error);
    }
  no_role = kouan_role_new_from_json (role, 1, &error);
  g_assert_null (no_role);
  g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE);
  g_clear_error (&error);
  no_entry = kouan_audit_entry_new_from_json (entry, 1, &error);
  g_assert_null (no_entry);
  g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE);
}

static KouanRole *
find_role (GListModel *roles, const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (roles); i++)
    {
      g_autoptr(KouanRole) role = g_list_model_get_item (roles, i);

      if (g_strcmp0 (role->name, name) == 0)
        return g_steal_pointer (&role);
    }
  return NULL;
}

static KouanDepartment *
find_department (GListModel *departments, const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (departments); i++)
    {
      g_autoptr(KouanDepartment) department = g_list_model_get_item (departments, i);

      if (g_strcmp0 (department->name, name) == 0)
        return g_steal_pointer (&department);
    }
  return NULL;
}

/* How many entries of the server's audit log have @action and mention
 * @text in their record. */
static guint
audit_count (Fixture *f, const char *action, const char *text)
{
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *path = g_strdup_printf ("/audit?limit=200&action=%s", action);
  JsonArray *items;
  guint n = 0;

  g_assert_cmpuint (request (f, "GET", path, f->admin, NULL, &reply), ==, 200);
  items = json_object_get_array_member (reply, "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      g_autofree char *entry = kouan_json_object_to_string (json_array_get_object_element (items, i));

      if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (items, i), "action"),
                     action) == 0 && strstr (entry, text) != NULL)
        n++;
    }
  return n;
}

/* A role created and renamed before the first push reaches the server
 * in order (the rename waits for the create's answer), then the cache
 * holds it under the server's id. */
static void
test_create_then_edit (Fixture *f, gconstpointer data)
{
  g_autoptr(Cache) cache = cache_new (f, "demo-admin");
  g_autoptr(GListModel) roles = NULL, after = NULL;
  g_autoptr(KouanRole) local = NULL, synced = NULL;
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(GError) error = NULL;
  const char *permissions[] = { "admin.audit:view", NULL };
  const char *more[] = { "admin.audit:view", "admin.staff:view", NULL };
  gint64 temp_id = 0;

  pull (cache);
  g_assert_true (kouan_store_create_role (cache->store, ENTERPRISE, "Auditors", permissions, &temp_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (temp_id, <, 0);
  g_assert_true (kouan_store_update_role (cache->store, ENTERPRISE, temp_id, "Audit team", more, &error));
  g_assert_no_error (error);

  /* shown at once, under its temporary id */
  roles = kouan_store_list_roles (cache->store, ENTERPRISE, &error);
  local = find_role (roles, "Audit team");
  g_assert_nonnull (local);
  g_assert_cmpint (local->id, ==, temp_id);

  /* the first batch carries the create only */
  batch = kouan_store_peek_outbox (cache->store, ENTERPRISE, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batch->len, ==, 1);
  g_assert_cmpstr (((KouanMutation *) g_ptr_array_index (batch, 0))->op, ==, "create");

  pull (cache);
  g_assert_cmpuint (kouan_store_count_outbox (cache->store), ==, 0);
  after = kouan_store_list_roles (cache->store, ENTERPRISE, &error);
  g_assert_null (find_role (after, "Auditors"));
  synced = find_role (after, "Audit team");
  g_assert_nonnull (synced);
  g_assert_cmpint (synced->id, >, 0);
  g_assert_cmpuint (g_strv_length (synced->permissions), ==, 2);
  g_assert_cmpuint (audit_count (f, "role.create", "Auditors"), ==, 1);
  g_assert_cmpuint (audit_count (f, "role.update", "Audit team"), ==, 1);
}

/* The server's refusals come back typed, with the field, and put the
 * server's record back into the cache. */
static void
test_refusals_typed (Fixture *f, gconstpointer data)
{
  g_autoptr(Cache) cache = cache_new (f, "demo-admin");
  g_autoptr(GListModel) roles = NULL, after = NULL, members = NULL, members_after = NULL;
  g_autoptr(KouanRole) builtin = NULL, other = NULL, restored = NULL;
  g_autoptr(KouanMember) admin = NULL, admin_after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *today = kouan_grant_today ();

  pull (cache);
  roles = kouan_store_list_roles (cache->store, ENTERPRISE, &error);
  builtin = g_list_model_get_item (roles, 0);
  other = g_list_model_get_item (roles, 1);
  g_assert_true (builtin->builtin);
  g_assert_false (other->builtin);

  /* no refusal waiting */
  g_assert_true (kouan_store_people_take_rejection (cache->store, ENTERPRISE, "roles", &error));
  g_assert_no_error (error);

  /* a name another role has */
  g_assert_true (kouan_store_update_role (cache->store, ENTERPRISE, other->id,
                                          builtin->name, NULL, &error));
  g_assert_no_error (error);
  pull (cache);
  g_assert_false (kouan_store_people_take_rejection (cache->store, ENTERPRISE, "roles", &error));
  g_assert_error (error, KOUAN_PEOPLE_ERROR, KOUAN_PEOPLE_ERROR_NAME_TAKEN);
  g_assert_cmpstr (kouan_people_error_get_field (error), ==, "name");
  g_clear_error (&error);
  /* told once */
  g_assert_true (kouan_store_people_take_rejection (cache->store, ENTERPRISE, "roles", &error));
  after = kouan_store_list_roles (cache->store, ENTERPRISE, &error);
  restored = find_role (after, other->name);
  g_assert_nonnull (restored);
  g_assert_cmpint (restored->id, ==, other->id);

  /* deleting the built-in role: gone from the cache, then back */
  g_assert_true (kouan_store_delete_role (cache->store, ENTERPRISE, builtin->id, &error));
  g_clear_object (&after);
  after = kouan_store_list_roles (cache->store, ENTERPRISE, &error);
  g_assert_cmpuint (g_list_model_get_n_items (after), ==, g_list_model_get_n_items (roles) - 1);
  pull (cache);
  g_assert_false (kouan_store_people_take_rejection (cache->store, ENTERPRISE, "roles", &error));
  g_assert_error (error, KOUAN_PEOPLE_ERROR, KOUAN_PEOPLE_ERROR_BUILTIN_ROLE);
  g_clear_error (&error);
  g_clear_object (&after);
  after = kouan_store_list_roles (cache->store, ENTERPRISE, &error);
  g_assert_cmpuint (g_list_model_get_n_items (after), ==, g_list_model_get_n_items (roles));

  /* a new role under a taken name: shown at once, gone when refused */
  {
    const char *none[] = { NULL };
    g_autoptr(GListModel) with_new = NULL, without = NULL;
    gint64 temp_id = 0;

    g_assert_true (kouan_store_create_role (cache->store, ENTERPRISE, other->name, none, &temp_id, &error));
    g_assert_no_error (error);
    with_new = kouan_store_list_roles (cache->store, ENTERPRISE, &error);
    g_assert_cmpuint (g_list_model_get_n_items (with_new), ==, g_list_model_get_n_items (roles) + 1);
    pull (cache);
    g_assert_false (kouan_store_people_take_rejection (cache->store, ENTERPRISE, "roles", &error));
    g_assert_error (error, KOUAN_PEOPLE_ERROR, KOUAN_PEOPLE_ERROR_NAME_TAKEN);
    g_clear_error (&error);
    without = kouan_store_list_roles (cache->store, ENTERPRISE, &error);
    g_assert_cmpuint (g_list_model_get_n_items (without), ==, g_list_model_get_n_items (roles));
  }

  /* departments: under itself (cycle, on parent_id), or deleted with members */
  {
    g_autoptr(GListModel) departments = kouan_store_list_departments (cache->store, ENTERPRISE, &error);
    g_autoptr(KouanDepartment) parent = NULL;
    g_autoptr(KouanDepartment) child = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (departments) && child == NULL; i++)
      {
        g_autoptr(KouanDepartment) department = g_list_model_get_item (departments, i);

        if (department->parent_id != 0)
          child = g_steal_pointer (&department);
      }
    g_assert_nonnull (child);
    for (guint i = 0; i < g_list_model_get_n_items (departments) && parent == NULL; i++)
      {
        g_autoptr(KouanDepartment) department = g_list_model_get_item (departments, i);

        if (department->id == child->parent_id)
          parent = g_steal_pointer (&department);
      }
    g_assert_nonnull (parent);
    g_assert_true (kouan_store_update_department (cache->store, ENTERPRISE, parent->id, parent->name,
                                                  child->id, parent->head_user_id, &error));
    pull (cache);
    g_assert_false (kouan_store_people_take_rejection (cache->store, ENTERPRISE, "departments", &error));
    g_assert_error (error, KOUAN_PEOPLE_ERROR, KOUAN_PEOPLE_ERROR_CYCLE);
    g_assert_cmpstr (kouan_people_error_get_field (error), ==, "parent_id");
    g_clear_error (&error);

    g_assert_cmpint (child->member_count, >, 0);
    g_assert_true (kouan_store_delete_department (cache->store, ENTERPRISE, child->id, &error));
    pull (cache);
    g_assert_false (kouan_store_people_take_rejection (cache->store, ENTERPRISE, "departments", &error));
    g_assert_error (error, KOUAN_PEOPLE_ERROR, KOUAN_PEOPLE_ERROR_NOT_EMPTY);
    g_clear_error (&error);
    /* back in the cache */
    g_clear_object (&departments);
    departments = kouan_store_list_departments (cache->store, ENTERPRISE, &error);
    {
      g_autoptr(KouanDepartment) back = find_department (departments, child->name);

      g_assert_nonnull (back);
      g_assert_cmpint (back->id, ==, child->id);
    }
  }

  /* the only administrator dropping their own grants */
  members = kouan_store_list_members (cache->store, ENTERPRISE, &error);
  admin = find_member (members, "demo-admin");
  g_assert_true (kouan_store_update_member (cache->store, ENTERPRISE, admin->id, KOUAN_MEMBER_EDIT_GRANTS,
                                            0, FALSE, NULL, 0, &error));
  g_assert_no_error (error);
  pull (cache);
  g_assert_false (kouan_store_people_take_rejection (cache->store, ENTERPRISE, "members", &error));
  g_assert_error (error, KOUAN_PEOPLE_ERROR, KOUAN_PEOPLE_ERROR_LAST_ADMIN);
  g_clear_error (&error);
  members_after = kouan_store_list_members (cache->store, ENTERPRISE, &error);
  admin_after = find_member (members_after, "demo-admin");
  g_assert_cmpuint (admin_after->grants->len, ==, admin->grants->len);
  g_assert_cmpint (kouan_member_get_status (admin_after, today, NULL), ==, KOUAN_GRANT_STATUS_ACTIVE);
}

/* Offline: the pages' records stay readable, an edit queues and is
 * applied exactly once when the server is back. */
static void
test_offline_edit (Fixture *f, gconstpointer data)
{
  g_autoptr(Cache) cache = cache_new (f, "demo-admin");
  g_autoptr(GListModel) departments = NULL, offline = NULL, back = NULL, members = NULL;
  g_autoptr(KouanDepartment) department = NULL, renamed = NULL;
  g_autoptr(KouanMember) ending = NULL, extended = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *today = kouan_grant_today ();
  KouanGrant grant;

  pull (cache);
  departments = kouan_store_list_departments (cache->store, ENTERPRISE, &error);
  department = g_list_model_get_item (departments, 0);
  members = kouan_store_list_members (cache->store, ENTERPRISE, &error);
  ending = find_member (members, "demo-user11");
  g_assert_nonnull (ending);

  kouan_test_server_stop (f->server);
  kouan_sync_run_once_async (cache->sync, NULL, on_ready, &result);
  g_assert_false (kouan_sync_run_once_finish (cache->sync, wait_result (&result), &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_clear_object (&result);

  /* the cache still answers */
  offline = kouan_store_list_departments (cache->store, ENTERPRISE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (offline), ==, g_list_model_get_n_items (departments));

  g_assert_true (kouan_store_update_department (cache->store, ENTERPRISE, department->id, "Renamed offline",
                                                department->parent_id, department->head_user_id, &error));
  g_assert_no_error (error);
  grant = g_array_index (ending->grants, KouanGrant, 0);
  grant.ends_on = (char *) "2099-12-31";
  g_assert_true (kouan_store_update_member (cache->store, ENTERPRISE, ending->id, KOUAN_MEMBER_EDIT_GRANTS,
                                            0, FALSE, &grant, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kouan_store_count_outbox (cache->store), ==, 2);
  g_clear_object (&offline);
  offline = kouan_store_list_departments (cache->store, ENTERPRISE, &error);
  renamed = find_department (offline, "Renamed offline");
  g_assert_nonnull (renamed);

  kouan_test_server_restart (f->server);
  pull (cache);
  /* a second cycle has nothing left to send */
  pull (cache);
  g_assert_cmpuint (kouan_store_count_outbox (cache->store), ==, 0);
  g_assert_cmpuint (audit_count (f, "department.update", "Renamed offline"), ==, 1);
  path = g_strdup_printf ("/staff/%" G_GINT64_FORMAT, ending->id);
  g_assert_cmpuint (request (f, "GET", path, f->admin, NULL, &reply), ==, 200);
  {
    g_autofree char *text = kouan_json_object_to_string (reply);

    g_assert_nonnull (strstr (text, "2099-12-31"));
  }
  g_clear_object (&members);
  members = kouan_store_list_members (cache->store, ENTERPRISE, &error);
  extended = find_member (members, "demo-user11");
  g_assert_cmpint (kouan_member_get_status (extended, today, NULL), ==, KOUAN_GRANT_STATUS_ACTIVE);
  back = kouan_store_list_departments (cache->store, ENTERPRISE, &error);
  g_clear_object (&renamed);
  renamed = find_department (back, "Renamed offline");
  g_assert_nonnull (renamed);
  g_assert_cmpint (renamed->id, ==, department->id);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/people-sync/strict-codecs", test_strict_codecs);
  g_test_add ("/people-sync/admin-cache", Fixture, NULL, fixture_set_up, test_admin_cache, fixture_tear_down);
  g_test_add ("/people-sync/plain-member", Fixture, NULL, fixture_set_up, test_plain_member_gets_nothing, fixture_tear_down);
  g_test_add ("/people-sync/error-carries-code", Fixture, NULL, fixture_set_up, test_error_carries_code, fixture_tear_down);
  g_test_add ("/people-sync/join-request-service", Fixture, NULL, fixture_set_up, test_join_request_service, fixture_tear_down);
  g_test_add ("/people-sync/create-then-edit", Fixture, NULL, fixture_set_up, test_create_then_edit, fixture_tear_down);
  g_test_add ("/people-sync/refusals-typed", Fixture, NULL, fixture_set_up, test_refusals_typed, fixture_tear_down);
  g_test_add ("/people-sync/offline-edit", Fixture, NULL, fixture_set_up, test_offline_edit, fixture_tear_down);
  g_test_add ("/people-sync/grant-then-revoke", Fixture, NULL, fixture_set_up, test_grant_then_revoke, fixture_tear_down);
  return g_test_run ();
}
