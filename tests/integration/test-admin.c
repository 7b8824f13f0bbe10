/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-json.h"
#include "kouan-test-server.h"

/* 管理员中心, people (docs/api.md, "Administrator center: people"): grant
 * validity on the server's clock (--today), the last-admin protections,
 * deleting a role, the audit log, staff filters and the access record. */

#define ENTERPRISE 1
#define PASSWORD "kouan-demo"

typedef struct {
  KouanTestServer *server;
  char            *admin;
} Fixture;

static guint
request (Fixture     *f,
         const char  *method,
         const char  *path,
         const char  *token,
         const char  *body,
         JsonObject **out)
{
  g_autofree char *url = g_strconcat (kouan_test_server_get_url (f->server), path, NULL);
  g_autoptr(GBytes) reply = NULL;
  guint status;

  status = kouan_test_http (method, url, token, body, body != NULL ? strlen (body) : 0, &reply);
  if (out != NULL)
    {
      *out = NULL;
      if (reply != NULL && g_bytes_get_size (reply) > 0)
        *out = kouan_json_parse_object (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL);
    }
  return status;
}

static void
start (Fixture    *f,
       const char *today)
{
  const char *args[] = { "--demo", today != NULL ? "--today" : NULL, today, NULL };

  f->server = kouan_test_server_start (args);
  f->admin = kouan_test_login (f->server, "demo-admin", PASSWORD);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  start (f, data);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->admin, g_free);
  g_clear_pointer (&f->server, kouan_test_server_free);
}

static char *
api (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

static char *
api (const char *format,
     ...)
{
  g_autofree char *tail = NULL;
  va_list args;

  va_start (args, format);
  tail = g_strdup_vprintf (format, args);
  va_end (args);
  return g_strdup_printf ("/api/v1/enterprises/%d%s", ENTERPRISE, tail);
}

static gint64
member_id (Fixture    *f,
           const char *account)
{
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *path = api ("/staff?name=%s", account);
  JsonArray *items;

  g_assert_cmpuint (request (f, "GET", path, f->admin, NULL, &reply), ==, 200);
  items = json_object_get_array_member (reply, "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *member = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (member, "account"), account) == 0)
        return json_object_get_int_member (member, "user_id");
    }
  g_assert_not_reached ();
}

static gint64
role_id (Fixture    *f,
         const char *name)
{
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *path = api ("/roles");
  JsonArray *items;

  g_assert_cmpuint (request (f, "GET", path, f->admin, NULL, &reply), ==, 200);
  items = json_object_get_array_member (reply, "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *role = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (role, "name"), name) == 0)
        return json_object_get_int_member (role, "id");
    }
  return 0;
}

static gint64
post (Fixture    *f,
      const char *path,
      const char *body,
      guint       expect)
{
  g_autoptr(JsonObject) reply = NULL;

  g_assert_cmpuint (request (f, "POST", path, f->admin, body, &reply), ==, expect);
  return reply != NULL && json_object_has_member (reply, "id") ? json_object_get_int_member (reply, "id") : 0;
}

static void
remove_grants (Fixture *f,
               gint64   user_id)
{
  g_autoptr(JsonObject) member = NULL;
  g_autofree char *path = api ("/staff/%" G_GINT64_FORMAT, user_id);
  JsonArray *grants;

  g_assert_cmpuint (request (f, "GET", path, f->admin, NULL, &member), ==, 200);
  grants = json_object_get_array_member (member, "grants");
  for (guint i = 0; i < json_array_get_length (grants); i++)
    {
      g_autofree char *grant = api ("/grants/%" G_GINT64_FORMAT,
                                    json_object_get_int_member (json_array_get_object_element (grants, i), "id"));

      g_assert_cmpuint (request (f, "DELETE", grant, f->admin, NULL, NULL), ==, 204);
    }
}

static gboolean
has_string (JsonArray  *array,
            const char *value)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), value) == 0)
      return TRUE;
  return FALSE;
}

/* On @today, may demo-user01, granted an audit role from 2026-03-10 to
 * 2026-03-20, read the audit log? The route, the login reply and the
 * access route must agree. */
static void
check_day (const char *today,
           gboolean    expect_allowed,
           const char *expect_status)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autoptr(JsonObject) login = NULL;
  g_autoptr(JsonObject) access = NULL;
  g_autofree char *roles = api ("/roles");
  g_autofree char *grants = NULL;
  g_autofree char *audit = api ("/audit");
  g_autofree char *my_access = api ("/my-access");
  g_autofree char *body = NULL;
  g_autofree char *token = NULL;
  JsonArray *memberships;
  gint64 user, role;

  start (f, today);
  user = member_id (f, "demo-user01");
  remove_grants (f, user);
  role = post (f, roles, "{\"name\":\"审计（限期）\",\"permissions\":[\"admin.audit:view\"]}", 201);
  grants = api ("/staff/%" G_GINT64_FORMAT "/grants", user);
  body = g_strdup_printf ("{\"role_id\":%" G_GINT64_FORMAT ",\"starts_on\":\"2026-03-10\",\"ends_on\":\"2026-03-20\"}", role);
  post (f, grants, body, 201);

  token = kouan_test_login (f->server, "demo-user01", PASSWORD);
  g_assert_cmpuint (request (f, "GET", audit, token, NULL, NULL), ==, expect_allowed ? 200 : 403);

  g_assert_cmpuint (request (f, "POST", "/api/v1/session", NULL,
                             "{\"account\":\"demo-user01\",\"password\":\"" PASSWORD "\"}", &login), ==, 200);
  memberships = json_object_get_array_member (login, "memberships");
  g_assert_cmpuint (json_array_get_length (memberships), ==, 1);
  g_assert_cmpint (has_string (json_object_get_array_member (json_array_get_object_element (memberships, 0), "permissions"),
                               "admin.audit:view"), ==, expect_allowed);
  /* a child's right opens its parent menu; nothing else is implied */
  g_assert_cmpint (has_string (json_object_get_array_member (json_array_get_object_element (memberships, 0), "permissions"),
                               "admin:view"), ==, expect_allowed);
  g_assert_false (has_string (json_object_get_array_member (json_array_get_object_element (memberships, 0), "permissions"),
                              "admin.roles:view"));
  g_assert_cmpint (has_string (json_object_get_array_member (json_array_get_object_element (memberships, 0), "roles"),
                               "审计（限期）"), ==, expect_allowed);

  g_assert_cmpuint (request (f, "GET", my_access, token, NULL, &access), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (access, "today"), ==, today);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (access, "grants"), 0), "state"),
                   ==, expect_status);

  /* the staff list says the same, and its filter finds the member under
   * that status and no other */
  {
    static const char *const all[] = { "pending", "active", "expiring", "expired", "disabled" };

    for (guint i = 0; i < G_N_ELEMENTS (all); i++)
      {
        g_autoptr(JsonObject) reply = NULL;
        g_autofree char *path = api ("/staff?name=demo-user01&status=%s", all[i]);
        JsonArray *items;
        guint found = 0;

        g_assert_cmpuint (request (f, "GET", path, f->admin, NULL, &reply), ==, 200);
        items = json_object_get_array_member (reply, "items");
        /* "demo-user01" also matches demo-user010…: look for this member */
        for (guint j = 0; j < json_array_get_length (items); j++)
          {
            JsonObject *member = json_array_get_object_element (items, j);

            g_assert_cmpstr (json_object_get_string_member (member, "status"), ==, all[i]);
            if (json_object_get_int_member (member, "user_id") == user)
              found++;
          }
        g_assert_cmpuint (found, ==, g_str_equal (all[i], expect_status) ? 1 : 0);
      }
  }

  fixture_tear_down (f, NULL);
}

static void
test_grant_boundaries (void)
{
  /* a grant from 2026-03-10 to 2026-03-20, both days included */
  check_day ("2026-03-09", FALSE, "pending");   /* the day before the start: not "expired" */
  check_day ("2026-03-10", TRUE, "active");     /* the start day, ten days left */
  check_day ("2026-03-13", TRUE, "expiring");   /* seven days left */
  check_day ("2026-03-20", TRUE, "expiring");   /* the end day: inclusive */
  check_day ("2026-03-21", FALSE, "expired");   /* the day after */
}

static void
assert_error (JsonObject *reply,
              const char *code)
{
  g_assert_nonnull (reply);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply, "error"), "code"), ==, code);
}

static void
test_last_admin (Fixture       *f,
                 gconstpointer  data)
{
  gint64 admin = member_id (f, "demo-admin");
  gint64 admin_role = role_id (f, "管理员");
  gint64 user = member_id (f, "demo-user01");
  g_autofree char *member = api ("/staff/%" G_GINT64_FORMAT, admin);
  g_autofree char *role = api ("/roles/%" G_GINT64_FORMAT, admin_role);
  g_autofree char *grants = api ("/staff/%" G_GINT64_FORMAT "/grants", user);
  g_autofree char *body = g_strdup_printf ("{\"role_id\":%" G_GINT64_FORMAT ",\"starts_on\":\"2020-01-01\",\"ends_on\":null}", admin_role);
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autofree char *own_grant = NULL;

  g_assert_cmpint (admin_role, >, 0);
  g_assert_cmpuint (request (f, "GET", member, f->admin, NULL, &state), ==, 200);
  own_grant = api ("/grants/%" G_GINT64_FORMAT,
                   json_object_get_int_member (json_array_get_object_element (json_object_get_array_member (state, "grants"), 0), "id"));

  /* demo-admin is the only active administrator (demo-disabled is disabled) */
  g_assert_cmpuint (request (f, "DELETE", own_grant, f->admin, NULL, &reply), ==, 409);
  assert_error (reply, "last_admin");
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (request (f, "PATCH", member, f->admin, "{\"status\":\"disabled\"}", &reply), ==, 409);
  assert_error (reply, "last_admin");
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (request (f, "DELETE", member, f->admin, NULL, &reply), ==, 409);
  assert_error (reply, "last_admin");
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (request (f, "DELETE", role, f->admin, NULL, &reply), ==, 409);
  assert_error (reply, "builtin_role");
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (request (f, "PATCH", role, f->admin, "{\"permissions\":[]}", &reply), ==, 409);
  assert_error (reply, "builtin_role");
  g_clear_pointer (&reply, json_object_unref);

  /* nothing changed: still an administrator, still active */
  g_assert_cmpuint (request (f, "GET", "/api/v1/enterprises/1/roles", f->admin, NULL, NULL), ==, 200);

  /* with a second administrator, the first may step down */
  post (f, grants, body, 201);
  g_assert_cmpuint (request (f, "DELETE", own_grant, f->admin, NULL, NULL), ==, 204);
  g_assert_cmpuint (request (f, "GET", "/api/v1/enterprises/1/roles", f->admin, NULL, NULL), ==, 403);
}

static void
test_role_delete (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *roles = api ("/roles");
  gint64 role = post (f, roles, "{\"name\":\"临时角色\",\"permissions\":[\"insurance.risk:view\",\"admin.roles:view\"]}", 201);
  g_autofree char *path = api ("/roles/%" G_GINT64_FORMAT, role);
  g_autofree char *body = g_strdup_printf ("{\"role_id\":%" G_GINT64_FORMAT ",\"starts_on\":\"2020-01-01\",\"ends_on\":null}", role);
  const char *accounts[] = { "demo-user01", "demo-user02" };
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) deleted = NULL;
  g_autofree char *token = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      g_autofree char *grants = api ("/staff/%" G_GINT64_FORMAT "/grants", member_id (f, accounts[i]));

      post (f, grants, body, 201);
    }
  token = kouan_test_login (f->server, "demo-user01", PASSWORD);
  g_assert_cmpuint (request (f, "GET", roles, token, NULL, NULL), ==, 200);

  g_assert_cmpuint (request (f, "GET", path, f->admin, NULL, &reply), ==, 200);
  g_assert_cmpint (json_object_get_int_member (reply, "member_count"), ==, 2);

  /* the name is unique in the enterprise */
  g_assert_cmpuint (request (f, "POST", roles, f->admin, "{\"name\":\"临时角色\",\"permissions\":[]}", NULL), ==, 409);
  /* unknown permissions are refused */
  g_assert_cmpuint (request (f, "POST", roles, f->admin, "{\"name\":\"x\",\"permissions\":[\"admin.nothing:view\"]}", NULL), ==, 400);

  g_assert_cmpuint (request (f, "DELETE", path, f->admin, NULL, &deleted), ==, 200);
  g_assert_cmpint (json_object_get_int_member (deleted, "removed_grants"), ==, 2);
  g_assert_cmpuint (request (f, "GET", path, f->admin, NULL, NULL), ==, 404);
  /* the grant went with the role: the member lost the right at once */
  g_assert_cmpuint (request (f, "GET", roles, token, NULL, NULL), ==, 403);
}

static gboolean
audit_has (JsonArray  *items,
           const char *action)
{
  for (guint i = 0; i < json_array_get_length (items); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (items, i), "action"), action) == 0)
      return TRUE;
  return FALSE;
}

static void
test_audit (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *roles = api ("/roles");
  g_autofree char *departments = api ("/departments");
  g_autofree char *audit = api ("/audit?limit=100");
  g_autofree char *audit_roles = api ("/audit?action=role.");
  g_autofree char *role_path = NULL, *department_path = NULL, *member_path = NULL, *grants = NULL;
  g_autofree char *grant_path = NULL, *removed_path = NULL, *body = NULL;
  g_autoptr(JsonObject) log = NULL;
  g_autoptr(JsonObject) filtered = NULL;
  JsonArray *items;
  const char *actions[] = {
    "role.create", "role.update", "role.delete", "department.create", "department.update",
    "department.delete", "grant.add", "grant.remove", "member.disable", "member.enable",
    "member.update", "member.remove",
  };
  gint64 role, department, user = member_id (f, "demo-user01"), grant;

  role = post (f, roles, "{\"name\":\"审计测试\",\"permissions\":[]}", 201);
  role_path = api ("/roles/%" G_GINT64_FORMAT, role);
  g_assert_cmpuint (request (f, "PATCH", role_path, f->admin, "{\"name\":\"审计测试（改）\"}", NULL), ==, 200);
  department = post (f, departments, "{\"name\":\"审计部\"}", 201);
  department_path = api ("/departments/%" G_GINT64_FORMAT, department);
  g_assert_cmpuint (request (f, "PATCH", department_path, f->admin, "{\"name\":\"审计二部\"}", NULL), ==, 200);
  member_path = api ("/staff/%" G_GINT64_FORMAT, user);
  g_assert_cmpuint (request (f, "PATCH", member_path, f->admin, "{\"status\":\"disabled\"}", NULL), ==, 200);
  g_assert_cmpuint (request (f, "PATCH", member_path, f->admin, "{\"status\":\"active\"}", NULL), ==, 200);
  body = g_strdup_printf ("{\"department_id\":%" G_GINT64_FORMAT "}", department);
  g_assert_cmpuint (request (f, "PATCH", member_path, f->admin, body, NULL), ==, 200);
  /* a department with members cannot go */
  g_assert_cmpuint (request (f, "DELETE", department_path, f->admin, NULL, NULL), ==, 409);
  g_assert_cmpuint (request (f, "PATCH", member_path, f->admin, "{\"department_id\":null}", NULL), ==, 200);
  g_assert_cmpuint (request (f, "DELETE", department_path, f->admin, NULL, NULL), ==, 204);
  grants = api ("/staff/%" G_GINT64_FORMAT "/grants", user);
  g_free (body);
  body = g_strdup_printf ("{\"role_id\":%" G_GINT64_FORMAT ",\"starts_on\":\"2026-01-01\",\"ends_on\":\"2026-12-31\"}", role);
  grant = post (f, grants, body, 201);
  grant_path = api ("/grants/%" G_GINT64_FORMAT, grant);
  g_assert_cmpuint (request (f, "DELETE", grant_path, f->admin, NULL, NULL), ==, 204);
  g_assert_cmpuint (request (f, "DELETE", role_path, f->admin, NULL, NULL), ==, 200);
  removed_path = api ("/staff/%" G_GINT64_FORMAT, member_id (f, "demo-user02"));
  g_assert_cmpuint (request (f, "DELETE", removed_path, f->admin, NULL, NULL), ==, 204);

  g_assert_cmpuint (request (f, "GET", audit, f->admin, NULL, &log), ==, 200);
  items = json_object_get_array_member (log, "items");
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      g_test_message ("audit %s", actions[i]);
      g_assert_true (audit_has (items, actions[i]));
    }

  /* newest first, with who and before/after */
  {
    JsonObject *newest = json_array_get_object_element (items, 0);

    g_assert_cmpstr (json_object_get_string_member (newest, "action"), ==, "member.remove");
    g_assert_cmpstr (json_object_get_string_member (newest, "account"), ==, "demo-admin");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (newest, "before"), "account"),
                     ==, "demo-user02");
    g_assert_true (json_object_get_null_member (newest, "after"));
  }

  g_assert_cmpuint (request (f, "GET", audit_roles, f->admin, NULL, &filtered), ==, 200);
  g_assert_cmpint (json_object_get_int_member (filtered, "total"), ==, 3);
}

static const char *
error_code (JsonObject *reply)
{
  JsonObject *error = reply != NULL ? json_object_get_object_member (reply, "error") : NULL;

  return error != NULL ? json_object_get_string_member (error, "code") : NULL;
}

/* A PATCH with a member the route does not take is refused, naming it,
 * and changes nothing, also when its other members are fine. */
static void
test_patch_unknown_member (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *roles = api ("/roles");
  g_autofree char *departments = api ("/departments");
  g_autofree char *role_path = NULL, *department_path = NULL, *member_path = NULL;
  gint64 user = member_id (f, "demo-user01");
  struct { char **path; const char *body; const char *member; } cases[] = {
    { &role_path, "{\"name\":\"改名\",\"nmae\":\"x\"}", "nmae" },
    { &role_path, "{\"status\":\"disabled\"}", "status" },
    { &department_path, "{\"name\":\"改名\",\"parent\":null}", "parent" },
    { &department_path, "{\"head_id\":1}", "head_id" },
    { &member_path, "{\"status\":\"disabled\",\"department\":1}", "department" },
    { &member_path, "{\"name\":\"x\"}", "name" },
  };

  role_path = api ("/roles/%" G_GINT64_FORMAT,
                   post (f, roles, "{\"name\":\"补丁测试\",\"permissions\":[]}", 201));
  department_path = api ("/departments/%" G_GINT64_FORMAT,
                         post (f, departments, "{\"name\":\"补丁部\"}", 201));
  member_path = api ("/staff/%" G_GINT64_FORMAT, user);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) reply = NULL;
      g_autoptr(JsonObject) after = NULL;
      g_autofree char *quoted = g_strdup_printf ("\"%s\"", cases[i].member);

      g_test_message ("PATCH %s %s", *cases[i].path, cases[i].body);
      g_assert_cmpuint (request (f, "PATCH", *cases[i].path, f->admin, cases[i].body, &reply), ==, 400);
      g_assert_cmpstr (error_code (reply), ==, "invalid_field");
      g_assert_nonnull (strstr (json_object_get_string_member (json_object_get_object_member (reply, "error"),
                                                               "message"), quoted));
      /* nothing changed: neither name nor status */
      if (*cases[i].path == department_path)
        {
          JsonArray *items;
          gboolean found = FALSE;

          g_assert_cmpuint (request (f, "GET", departments, f->admin, NULL, &after), ==, 200);
          items = json_object_get_array_member (after, "items");
          for (guint j = 0; j < json_array_get_length (items); j++)
            found = found || g_strcmp0 (json_object_get_string_member (json_array_get_object_element (items, j),
                                                                       "name"), "补丁部") == 0;
          g_assert_true (found);
        }
      else
        {
          g_assert_cmpuint (request (f, "GET", *cases[i].path, f->admin, NULL, &after), ==, 200);
          if (*cases[i].path == role_path)
            g_assert_cmpstr (json_object_get_string_member (after, "name"), ==, "补丁测试");
          else
            g_assert_cmpstr (json_object_get_string_member (after, "status"), ==, "active");
        }
    }

  /* the known members alone still work */
  g_assert_cmpuint (request (f, "PATCH", role_path, f->admin, "{\"name\":\"改名\"}", NULL), ==, 200);
  g_assert_cmpuint (request (f, "PATCH", department_path, f->admin, "{\"head_user_id\":null}", NULL), ==, 200);
  g_assert_cmpuint (request (f, "PATCH", member_path, f->admin, "{\"department_id\":null}", NULL), ==, 200);
}

static void
test_staff_filters (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(JsonObject) all = NULL;
  g_autoptr(JsonObject) page = NULL;
  g_autoptr(JsonObject) disabled = NULL;
  g_autoptr(JsonObject) by_name = NULL;
  g_autoptr(JsonObject) by_role = NULL;
  g_autoptr(JsonObject) by_date = NULL;
  g_autoptr(JsonObject) sorted = NULL;
  g_autofree char *all_path = api ("/staff?limit=500");
  g_autofree char *page_path = api ("/staff?limit=10&offset=10&sort=account");
  g_autofree char *disabled_path = api ("/staff?status=disabled");
  g_autofree char *name_path = api ("/staff?name=%s", "demo-user1");
  g_autofree char *role_path = NULL;
  g_autofree char *date_path = api ("/staff?registered_from=2023-01-01&registered_to=2023-12-31");
  g_autofree char *sorted_path = api ("/staff?sort=registered_on&order=desc&limit=500");
  gint64 total;
  JsonArray *items;

  g_assert_cmpuint (request (f, "GET", all_path, f->admin, NULL, &all), ==, 200);
  total = json_object_get_int_member (all, "total");
  g_assert_cmpint (total, >=, 40);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (all, "items")), ==, total);

  g_assert_cmpuint (request (f, "GET", page_path, f->admin, NULL, &page), ==, 200);
  g_assert_cmpint (json_object_get_int_member (page, "total"), ==, total);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (page, "items")), ==, 10);

  g_assert_cmpuint (request (f, "GET", disabled_path, f->admin, NULL, &disabled), ==, 200);
  items = json_object_get_array_member (disabled, "items");
  g_assert_cmpint (json_array_get_length (items), ==, 2); /* demo-disabled and demo-user18 */
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, i), "status"), ==, "disabled");

  g_assert_cmpuint (request (f, "GET", name_path, f->admin, NULL, &by_name), ==, 200);
  g_assert_cmpint (json_object_get_int_member (by_name, "total"), ==, 10); /* demo-user10..19 */

  role_path = api ("/staff?role=%" G_GINT64_FORMAT, role_id (f, "业务员"));
  g_assert_cmpuint (request (f, "GET", role_path, f->admin, NULL, &by_role), ==, 200);
  items = json_object_get_array_member (by_role, "items");
  g_assert_cmpint (json_array_get_length (items), >, 1);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonArray *grants = json_object_get_array_member (json_array_get_object_element (items, i), "grants");
      gboolean found = FALSE;

      for (guint j = 0; j < json_array_get_length (grants); j++)
        found |= g_strcmp0 (json_object_get_string_member (json_array_get_object_element (grants, j), "role"), "业务员") == 0;
      g_assert_true (found);
    }

  g_assert_cmpuint (request (f, "GET", date_path, f->admin, NULL, &by_date), ==, 200);
  items = json_object_get_array_member (by_date, "items");
  g_assert_cmpint (json_array_get_length (items), >=, 2); /* demo-admin, demo-staff */
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      const char *day = json_object_get_string_member (json_array_get_object_element (items, i), "registered_on");

      g_assert_cmpstr (day, >=, "2023-01-01");
      g_assert_cmpstr (day, <=, "2023-12-31");
    }

  g_assert_cmpuint (request (f, "GET", sorted_path, f->admin, NULL, &sorted), ==, 200);
  items = json_object_get_array_member (sorted, "items");
  for (guint i = 1; i < json_array_get_length (items); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, i - 1), "registered_on"), >=,
                     json_object_get_string_member (json_array_get_object_element (items, i), "registered_on"));

  /* bad filters are refused, not ignored */
  g_free (all_path);
  all_path = api ("/staff?status=sleeping");
  g_assert_cmpuint (request (f, "GET", all_path, f->admin, NULL, NULL), ==, 400);
  g_free (all_path);
  all_path = api ("/staff?registered_from=2023-02-30");
  g_assert_cmpuint (request (f, "GET", all_path, f->admin, NULL, NULL), ==, 400);
}

/* A grant moves the member's access record in their own feed. */
static void
test_access_record (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *token = kouan_test_login (f->server, "demo-user01", PASSWORD);
  g_autofree char *feed = api ("/changes?since=0&limit=500");
  g_autofree char *grants = api ("/staff/%" G_GINT64_FORMAT "/grants", member_id (f, "demo-user01"));
  g_autofree char *body = g_strdup_printf ("{\"role_id\":%" G_GINT64_FORMAT ",\"starts_on\":\"2020-01-01\",\"ends_on\":null}",
                                           role_id (f, "审计员"));
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autofree char *since = NULL;
  JsonArray *changes;
  gboolean found = FALSE;

  g_assert_cmpuint (request (f, "GET", feed, token, NULL, &first), ==, 200);
  while (json_object_get_boolean_member (first, "more"))
    {
      g_autofree char *next = api ("/changes?since=%" G_GINT64_FORMAT "&limit=500",
                                   json_object_get_int_member (first, "cursor"));

      g_clear_pointer (&first, json_object_unref);
      g_assert_cmpuint (request (f, "GET", next, token, NULL, &first), ==, 200);
    }

  post (f, grants, body, 201);
  since = api ("/changes?since=%" G_GINT64_FORMAT "&limit=500", json_object_get_int_member (first, "cursor"));
  g_assert_cmpuint (request (f, "GET", since, token, NULL, &second), ==, 200);
  changes = json_object_get_array_member (second, "changes");
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (g_strcmp0 (json_object_get_string_member (change, "collection"), "access") == 0)
        {
          JsonObject *record = json_object_get_object_member (change, "record");

          JsonArray *held = json_object_get_array_member (record, "grants");

          g_assert_true (has_string (json_object_get_array_member (record, "permissions"), "admin.audit:view"));
          /* the grants with their periods, for the personal center */
          g_assert_nonnull (held);
          for (guint j = 0; j < json_array_get_length (held); j++)
            {
              JsonObject *grant = json_array_get_object_element (held, j);

              if (g_strcmp0 (json_object_get_string_member (grant, "role"), "审计员") == 0 &&
                  g_strcmp0 (json_object_get_string_member (grant, "starts_on"), "2020-01-01") == 0 &&
                  json_object_get_null_member (grant, "ends_on"))
                found = TRUE;
            }
          g_assert_true (found);
        }
    }
  g_assert_true (found);

  /* the admin's feed does not carry the member's access record */
  {
    g_autoptr(JsonObject) admin_page = NULL;

    g_assert_cmpuint (request (f, "GET", since, f->admin, NULL, &admin_page), ==, 200);
    changes = json_object_get_array_member (admin_page, "changes");
    for (guint i = 0; i < json_array_get_length (changes); i++)
      {
        JsonObject *change = json_array_get_object_element (changes, i);

        if (g_strcmp0 (json_object_get_string_member (change, "collection"), "access") == 0)
          g_assert_cmpint (json_object_get_int_member (change, "id"), !=, member_id (f, "demo-user01"));
      }
  }
}

static guint
count_records (Fixture    *f,
               const char *token,
               const char *collection,
               gint64     *cursor)
{
  gboolean more = TRUE;
  guint n = 0;

  while (more)
    {
      g_autoptr(JsonObject) page = NULL;
      g_autofree char *path = api ("/changes?since=%" G_GINT64_FORMAT "&limit=500", *cursor);
      JsonArray *changes;

      g_assert_cmpuint (request (f, "GET", path, token, NULL, &page), ==, 200);
      changes = json_object_get_array_member (page, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (changes, i), "collection"),
                       collection) == 0)
          n++;
      *cursor = json_object_get_int_member (page, "cursor");
      more = json_object_get_boolean_member (page, "more");
    }
  return n;
}

/* A member granted a view right gets the records the feed held back
 * before, though their cursor is past them. */
static void
test_access_reissue (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *token = kouan_test_login (f->server, "demo-expired", PASSWORD);
  g_autofree char *grants = api ("/staff/%" G_GINT64_FORMAT "/grants", member_id (f, "demo-expired"));
  g_autofree char *body = g_strdup_printf ("{\"role_id\":%" G_GINT64_FORMAT ",\"starts_on\":\"2020-01-01\",\"ends_on\":null}",
                                           role_id (f, "财务专员"));
  gint64 cursor = 0, admin_cursor = 0;
  guint before, after, expected;

  before = count_records (f, token, "insurance_policies", &cursor);
  g_assert_cmpuint (before, ==, 0);
  expected = count_records (f, f->admin, "insurance_policies", &admin_cursor);
  if (expected == 0)
    {
      g_test_skip ("no insurance policies in the demo");
      return;
    }
  post (f, grants, body, 201);
  after = count_records (f, token, "insurance_policies", &cursor);
  g_assert_cmpuint (after, ==, expected);
}

static guint
count_notices (Fixture    *f,
               const char *token)
{
  gint64 cursor = 0;
  gboolean more = TRUE;
  guint notices = 0;

  while (more)
    {
      g_autoptr(JsonObject) page = NULL;
      g_autofree char *path = api ("/changes?since=%" G_GINT64_FORMAT "&limit=500", cursor);
      JsonArray *changes;

      g_assert_cmpuint (request (f, "GET", path, token, NULL, &page), ==, 200);
      changes = json_object_get_array_member (page, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);

          if (g_strcmp0 (json_object_get_string_member (change, "collection"), "messages") == 0 &&
              json_object_has_member (change, "record") &&
              g_strcmp0 (json_object_get_string_member (json_object_get_object_member (change, "record"), "category"),
                         "权限管理") == 0)
            notices++;
        }
      cursor = json_object_get_int_member (page, "cursor");
      more = json_object_get_boolean_member (page, "more");
    }
  return notices;
}

/* The notice reaches the member and the administrators, nobody else. */
static void
test_expiry_recipients (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *member = kouan_test_login (f->server, "demo-user11", PASSWORD);
  g_autofree char *other = kouan_test_login (f->server, "demo-staff", PASSWORD);

  g_assert_cmpuint (count_notices (f, f->admin), ==, 1);
  g_assert_cmpuint (count_notices (f, member), ==, 1);
  g_assert_cmpuint (count_notices (f, other), ==, 0);
}

/* A grant ending within 7 days gives one notice, not one per start. */
static void
test_expiry_notice (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *feed = api ("/changes?since=0&limit=500");
  guint notices = 0;

  for (int round = 0; round < 2; round++)
    {
      gint64 cursor = 0;
      gboolean more = TRUE;

      notices = 0;
      if (round == 1)
        {
          kouan_test_server_stop (f->server);
          kouan_test_server_restart (f->server);
          g_free (f->admin);
          f->admin = kouan_test_login (f->server, "demo-admin", PASSWORD);
        }
      while (more)
        {
          g_autoptr(JsonObject) page = NULL;
          g_autofree char *path = api ("/changes?since=%" G_GINT64_FORMAT "&limit=500", cursor);
          JsonArray *changes;

          g_assert_cmpuint (request (f, "GET", path, f->admin, NULL, &page), ==, 200);
          changes = json_object_get_array_member (page, "changes");
          for (guint i = 0; i < json_array_get_length (changes); i++)
            {
              JsonObject *change = json_array_get_object_element (changes, i);

              if (g_strcmp0 (json_object_get_string_member (change, "collection"), "messages") == 0 &&
                  json_object_has_member (change, "record") &&
                  g_strcmp0 (json_object_get_string_member (json_object_get_object_member (change, "record"), "category"),
                             "权限管理") == 0)
                {
                  JsonObject *record = json_object_get_object_member (change, "record");
                  JsonArray *actions = json_object_get_array_member (record, "actions");
                  JsonObject *action;

                  /* it offers 人员权限 at the member whose grant ends */
                  g_assert_cmpuint (json_array_get_length (actions), ==, 1);
                  action = json_array_get_object_element (actions, 0);
                  g_assert_cmpstr (json_object_get_string_member (action, "area"), ==, "admin.staff");
                  g_assert_cmpstr (json_object_get_string_member (action, "object"), ==, "demo-user11");
                  notices++;
                }
            }
          cursor = json_object_get_int_member (page, "cursor");
          more = json_object_get_boolean_member (page, "more");
        }
      g_test_message ("round %d: %u notices", round, notices);
      /* demo-user11's grant ends in 5 days */
      g_assert_cmpuint (notices, ==, 1);
    }
  (void) feed;
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/admin/grant-boundaries", test_grant_boundaries);
  g_test_add ("/admin/last-admin", Fixture, NULL, fixture_set_up, test_last_admin, fixture_tear_down);
  g_test_add ("/admin/role-delete", Fixture, NULL, fixture_set_up, test_role_delete, fixture_tear_down);
  g_test_add ("/admin/audit", Fixture, NULL, fixture_set_up, test_audit, fixture_tear_down);
  g_test_add ("/admin/patch-unknown-member", Fixture, NULL, fixture_set_up, test_patch_unknown_member, fixture_tear_down);
  g_test_add ("/admin/staff-filters", Fixture, NULL, fixture_set_up, test_staff_filters, fixture_tear_down);
  g_test_add ("/admin/access-record", Fixture, NULL, fixture_set_up, test_access_record, fixture_tear_down);
  g_test_add ("/admin/access-reissue", Fixture, NULL, fixture_set_up, test_access_reissue, fixture_tear_down);
  g_test_add ("/admin/expiry-recipients", Fixture, NULL, fixture_set_up, test_expiry_recipients, fixture_tear_down);
  g_test_add ("/admin/expiry-notice", Fixture, NULL, fixture_set_up, test_expiry_notice, fixture_tear_down);

  return g_test_run ();
}
