/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-json.h"
#include "kouan-permissions.h"
#include "kouan-test-server.h"

/* The authorization matrix: every route of the live server (read from
 * `kouan-server --list-routes`, so routes added by any feature are covered)
 * is called as
 *
 *   admin     demo-admin, the built-in 管理员 role
 *   plain     an active member whose grants the test removed (only the
 *             menus open to every member: messages, personal)
 *   expired   demo-expired: a grant of 人事专员 that ended 30 days ago
 *   future    demo-future: a grant of 人事专员 that starts in 10 days
 *   disabled  demo-disabled: 管理员, but the membership is disabled
 *   other     demo-other: 管理员 of the other enterprise
 *   none      no token
 *
 * Every refused call must answer 401, 403 or 404; the allowed call must
 * succeed. A route without a sample below fails the test, so a new route
 * gets one. The synced collections are covered too: a member without a
 * collection's view permission receives none of its records. */

#define ENTERPRISE 1
#define PASSWORD "kouan-demo"

typedef enum {
  EXPECT_SUCCESS,      /* 2xx */
  EXPECT_NOT_REFUSED,  /* anything but 401/403/404 (the body is checked after access) */
  EXPECT_SKIP,         /* destructive for the test's own identities: refusals only */
} Expect;

typedef struct {
  const char *method;
  const char *pattern;
  const char *permission; /* what the route must demand; NULL: none */
  const char *id;      /* which record {id} names, see resolve_id() */
  const char *body;    /* $ROLE, $MEMBER replaced */
  const char *as;      /* the identity of the allowed call; NULL: admin */
  Expect      expect;
} Sample;

static const Sample samples[] = {
  /* the foundation */
  { "GET",    "/api/v1/health", NULL, NULL, NULL, NULL, EXPECT_SUCCESS },
  { "POST",   "/api/v1/session", NULL, NULL, "{\"account\":\"demo-user30\",\"password\":\"" PASSWORD "\"}", NULL, EXPECT_SUCCESS },
  { "GET",    "/api/v1/session", NULL, NULL, NULL, NULL, EXPECT_SUCCESS },
  { "DELETE", "/api/v1/session", NULL, NULL, NULL, NULL, EXPECT_SKIP },
  { "POST",   "/api/v1/session/card-challenge", NULL, NULL, "{}", NULL, EXPECT_NOT_REFUSED },
  { "POST",   "/api/v1/session/card", NULL, NULL, "{}", NULL, EXPECT_NOT_REFUSED },
  { "GET",    "/api/v1/enterprises/{eid}/changes", NULL, NULL, NULL, "plain", EXPECT_SUCCESS },
  { "POST",   "/api/v1/enterprises/{eid}/mutations", NULL, NULL, "{\"mutations\":[]}", "plain", EXPECT_SUCCESS },
  { "GET",    "/api/v1/enterprises/{eid}/events", NULL, NULL, NULL, "plain", EXPECT_NOT_REFUSED },
  /* administrator center, people */
  { "GET",    "/api/v1/enterprises/{eid}/roles", "admin.roles:view", NULL, NULL, NULL, EXPECT_SUCCESS },
  { "POST",   "/api/v1/enterprises/{eid}/roles", "admin.roles:manage", NULL, "{\"name\":\"矩阵新角色\",\"permissions\":[\"insurance.risk:view\"]}", NULL, EXPECT_SUCCESS },
  { "GET",    "/api/v1/enterprises/{eid}/roles/{id}", "admin.roles:view", "role", NULL, NULL, EXPECT_SUCCESS },
  { "PATCH",  "/api/v1/enterprises/{eid}/roles/{id}", "admin.roles:manage", "role", "{\"permissions\":[\"insurance.policies:view\"]}", NULL, EXPECT_SUCCESS },
  { "DELETE", "/api/v1/enterprises/{eid}/roles/{id}", "admin.roles:manage", "role-spare", NULL, NULL, EXPECT_SUCCESS },
  { "GET",    "/api/v1/enterprises/{eid}/departments", "admin.departments:view", NULL, NULL, NULL, EXPECT_SUCCESS },
  { "POST",   "/api/v1/enterprises/{eid}/departments", "admin.departments:manage", NULL, "{\"name\":\"矩阵新部门\"}", NULL, EXPECT_SUCCESS },
  { "PATCH",  "/api/v1/enterprises/{eid}/departments/{id}", "admin.departments:manage", "department", "{\"name\":\"矩阵部门（改）\"}", NULL, EXPECT_SUCCESS },
  { "DELETE", "/api/v1/enterprises/{eid}/departments/{id}", "admin.departments:manage", "department-spare", NULL, NULL, EXPECT_SUCCESS },
  { "GET",    "/api/v1/enterprises/{eid}/staff", "admin.staff:view", NULL, NULL, NULL, EXPECT_SUCCESS },
  { "GET",    "/api/v1/enterprises/{eid}/staff/{id}", "admin.staff:view", "member", NULL, NULL, EXPECT_SUCCESS },
  { "PATCH",  "/api/v1/enterprises/{eid}/staff/{id}", "admin.staff:manage", "member", "{\"department_id\":null}", NULL, EXPECT_SUCCESS },
  { "DELETE", "/api/v1/enterprises/{eid}/staff/{id}", "admin.staff:manage", "member-spare", NULL, NULL, EXPECT_SUCCESS },
  { "POST",   "/api/v1/enterprises/{eid}/staff/{id}/grants", "admin.staff:manage", "member", "{\"role_id\":$ROLE,\"starts_on\":\"2020-01-01\",\"ends_on\":null}", NULL, EXPECT_SUCCESS },
  { "DELETE", "/api/v1/enterprises/{eid}/grants/{id}", "admin.staff:manage", "grant", NULL, NULL, EXPECT_SUCCESS },
  /* members' IC cards (issue 17): the allowed DELETE names no card, so it is a 400 */
  { "GET",    "/api/v1/enterprises/{eid}/staff/{id}/cards", "admin.staff:view", "member", NULL, NULL, EXPECT_SUCCESS },
  { "DELETE", "/api/v1/enterprises/{eid}/staff/{id}/cards", "admin.staff:manage", "member", NULL, NULL, EXPECT_NOT_REFUSED },
  { "GET",    "/api/v1/enterprises/{eid}/join-requests", "admin.staff:view", NULL, NULL, NULL, EXPECT_SUCCESS },
  { "POST",   "/api/v1/enterprises/{eid}/join-requests/{id}/approve", "admin.staff:manage", "join", NULL, NULL, EXPECT_SUCCESS },
  { "POST",   "/api/v1/enterprises/{eid}/join-requests/{id}/reject", "admin.staff:manage", "join-spare", NULL, NULL, EXPECT_SUCCESS },
  { "GET",    "/api/v1/enterprises/{eid}/audit", "admin.audit:view", NULL, NULL, NULL, EXPECT_SUCCESS },
  { "GET",    "/api/v1/enterprises/{eid}/my-access", NULL, NULL, NULL, "plain", EXPECT_SUCCESS },
  /* personal center */
  { "GET",    "/api/v1/account", NULL, NULL, NULL, "plain", EXPECT_SUCCESS },
  { "GET",    "/api/v1/account/cards", NULL, NULL, NULL, "plain", EXPECT_SUCCESS },
  { "POST",   "/api/v1/account/cards", NULL, NULL, "{}", "plain", EXPECT_NOT_REFUSED },
  { "POST",   "/api/v1/account/cards/unbind", NULL, NULL, "{}", "plain", EXPECT_NOT_REFUSED },
  { "POST",   "/api/v1/account/password", NULL, NULL, NULL, NULL, EXPECT_SKIP },
  { "GET",    "/api/v1/account/sessions", NULL, NULL, NULL, "plain", EXPECT_SUCCESS },
  { "DELETE", "/api/v1/account/sessions/{id}", NULL, "none", NULL, NULL, EXPECT_SKIP },
  { "GET",    "/api/v1/enterprise-search", NULL, NULL, NULL, "plain", EXPECT_NOT_REFUSED },
  { "GET",    "/api/v1/join-requests", NULL, NULL, NULL, "plain", EXPECT_SUCCESS },
  { "POST",   "/api/v1/join-requests", NULL, NULL, "{\"enterprise_id\":1}", "plain", EXPECT_NOT_REFUSED },
  { "DELETE", "/api/v1/enterprises/{eid}/membership", "personal.enterprises:manage", NULL, NULL, "leaver", EXPECT_SUCCESS },
  { "POST",   "/api/v1/enterprises/{eid}/images", NULL, NULL, "not an image", "plain", EXPECT_NOT_REFUSED },
  { "GET",    "/api/v1/enterprises/{eid}/images/{id}", NULL, "none", NULL, NULL, EXPECT_SKIP },
};

typedef struct {
  const char *name;
  const char *account;   /* NULL: no token */
  char       *token;
  gint64      user_id;
} Identity;

typedef struct {
  KouanTestServer *server;
  Identity         ids[8];
  guint            n_ids;
  GHashTable      *records;   /* "role" → gint64* */
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

static Identity *
identity (Fixture    *f,
          const char *name)
{
  for (guint i = 0; i < f->n_ids; i++)
    if (g_strcmp0 (f->ids[i].name, name) == 0)
      return &f->ids[i];
  g_assert_not_reached ();
}

static void
add_identity (Fixture    *f,
              const char *name,
              const char *account)
{
  Identity *id = &f->ids[f->n_ids++];

  id->name = name;
  id->account = account;
  if (account != NULL)
    {
      g_autoptr(JsonObject) reply = NULL;
      g_autofree char *body = g_strdup_printf ("{\"account\":\"%s\",\"password\":\"%s\"}", account, PASSWORD);

      g_assert_cmpuint (request (f, "POST", "/api/v1/session", NULL, body, &reply), ==, 200);
      id->token = g_strdup (json_object_get_string_member (reply, "token"));
      id->user_id = json_object_get_int_member (json_object_get_object_member (reply, "user"), "id");
    }
}

static void
remember (Fixture    *f,
          const char *key,
          gint64      id)
{
  g_assert_cmpint (id, >, 0);
  g_hash_table_insert (f->records, g_strdup (key), g_memdup2 (&id, sizeof id));
}

static gint64
member_id (Fixture    *f,
           const char *account)
{
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%d/staff?name=%s", ENTERPRISE, account);
  JsonArray *items;

  g_assert_cmpuint (request (f, "GET", path, identity (f, "admin")->token, NULL, &reply), ==, 200);
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
create (Fixture    *f,
        const char *path,
        const char *token,
        const char *body)
{
  g_autoptr(JsonObject) reply = NULL;
  guint status = request (f, "POST", path, token, body, &reply);

  if (status != 201 && status != 200)
    g_error ("POST %s %s answered %u", path, body, status);
  return json_object_get_int_member (reply, "id");
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *args[] = { "--demo", NULL };
  g_autofree char *base = g_strdup_printf ("/api/v1/enterprises/%d", ENTERPRISE);
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) plain = NULL;
  const char *admin;
  JsonArray *grants;
  gint64 plain_id, grant_id, user;

  f->server = kouan_test_server_start (args);
  f->records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  add_identity (f, "admin", "demo-admin");
  add_identity (f, "plain", "demo-user01");
  add_identity (f, "expired", "demo-expired");
  add_identity (f, "future", "demo-future");
  add_identity (f, "disabled", "demo-disabled");
  add_identity (f, "other", "demo-other");
  add_identity (f, "leaver", "demo-user02");
  add_identity (f, "none", NULL);
  admin = identity (f, "admin")->token;

  /* plain: an active member without any grant */
  plain_id = member_id (f, "demo-user01");
  path = g_strdup_printf ("%s/staff/%" G_GINT64_FORMAT, base, plain_id);
  g_assert_cmpuint (request (f, "GET", path, admin, NULL, &plain), ==, 200);
  grants = json_object_get_array_member (plain, "grants");
  for (guint i = 0; i < json_array_get_length (grants); i++)
    {
      g_autofree char *grant_path = g_strdup_printf ("%s/grants/%" G_GINT64_FORMAT, base,
        json_object_get_int_member (json_array_get_object_element (grants, i), "id"));

      g_assert_cmpuint (request (f, "DELETE", grant_path, admin, NULL, NULL), ==, 204);
    }

  /* the records the samples act on */
  g_free (path);
  path = g_strdup_printf ("%s/roles", base);
  remember (f, "role", create (f, path, admin, "{\"name\":\"矩阵角色\",\"permissions\":[]}"));
  remember (f, "role-spare", create (f, path, admin, "{\"name\":\"矩阵待删角色\",\"permissions\":[]}"));
  g_free (path);
  path = g_strdup_printf ("%s/departments", base);
  remember (f, "department", create (f, path, admin, "{\"name\":\"矩阵部门\"}"));
  remember (f, "department-spare", create (f, path, admin, "{\"name\":\"矩阵待删部门\"}"));
  remember (f, "member", member_id (f, "demo-user03"));
  remember (f, "member-spare", member_id (f, "demo-user04"));
  user = member_id (f, "demo-user05");
  g_free (path);
  path = g_strdup_printf ("%s/staff/%" G_GINT64_FORMAT "/grants", base, user);
  g_free (body);
  body = g_strdup_printf ("{\"role_id\":%" G_GINT64_FORMAT ",\"starts_on\":\"2020-01-01\",\"ends_on\":\"2099-12-31\"}",
                          *(gint64 *) g_hash_table_lookup (f->records, "role"));
  grant_id = create (f, path, admin, body);
  remember (f, "grant", grant_id);

  /* join requests: two members leave (one is removed), then ask to come back */
  {
    gint64 a = member_id (f, "demo-user06"), b = member_id (f, "demo-user07");
    g_autofree char *pa = g_strdup_printf ("%s/staff/%" G_GINT64_FORMAT, base, a);
    g_autofree char *pb = g_strdup_printf ("%s/staff/%" G_GINT64_FORMAT, base, b);
    g_autofree char *ta = NULL, *tb = NULL;
    g_autofree char *join = g_strdup_printf ("{\"enterprise_id\":%d}", ENTERPRISE);

    g_assert_cmpuint (request (f, "DELETE", pa, admin, NULL, NULL), ==, 204);
    g_assert_cmpuint (request (f, "DELETE", pb, admin, NULL, NULL), ==, 204);
    ta = kouan_test_login (f->server, "demo-user06", PASSWORD);
    tb = kouan_test_login (f->server, "demo-user07", PASSWORD);
    remember (f, "join", create (f, "/api/v1/join-requests", ta, join));
    remember (f, "join-spare", create (f, "/api/v1/join-requests", tb, join));
  }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  for (guint i = 0; i < f->n_ids; i++)
    g_free (f->ids[i].token);
  g_clear_pointer (&f->records, g_hash_table_unref);
  g_clear_pointer (&f->server, kouan_test_server_free);
}

static JsonObject *
list_routes (void)
{
  const char *server = g_getenv ("KOUAN_SERVER_PATH");
  const char *argv[] = { server, "--list-routes", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  int status;

  g_assert_nonnull (server);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  object = kouan_json_parse_object (out, -1, &error);
  g_assert_no_error (error);
  return object;
}

static const Sample *
find_sample (const char *method,
             const char *pattern)
{
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    if (strcmp (samples[i].method, method) == 0 && strcmp (samples[i].pattern, pattern) == 0)
      return &samples[i];
  return NULL;
}

static gboolean
permission_is_open (const char *permission)
{
  /* docs/architecture.md, "Permissions": open to every active member */
  return g_str_has_prefix (permission, "messages") || g_str_has_prefix (permission, "personal");
}

static char *
make_path (Fixture      *f,
           const Sample *sample)
{
  g_autofree char *eid = g_strdup_printf ("%d", ENTERPRISE);
  g_autofree char *id = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree char *with_eid = NULL;

  if (sample->id != NULL && strcmp (sample->id, "none") == 0)
    id = g_strdup ("999999");
  else if (sample->id != NULL)
    {
      gint64 *value = g_hash_table_lookup (f->records, sample->id);

      g_assert_nonnull (value);
      id = g_strdup_printf ("%" G_GINT64_FORMAT, *value);
    }

  parts = g_strsplit (sample->pattern, "{eid}", -1);
  with_eid = g_strjoinv (eid, parts);
  g_strfreev (parts);
  parts = g_strsplit (with_eid, "{id}", -1);
  return g_strjoinv (id != NULL ? id : "1", parts);
}

static char *
make_body (Fixture      *f,
           const Sample *sample)
{
  g_autofree char *role = NULL;
  g_auto(GStrv) parts = NULL;

  if (sample->body == NULL)
    return NULL;
  role = g_strdup_printf ("%" G_GINT64_FORMAT, *(gint64 *) g_hash_table_lookup (f->records, "role"));
  parts = g_strsplit (sample->body, "$ROLE", -1);
  return g_strjoinv (role, parts);
}

static gboolean
refused (guint status)
{
  return status == 401 || status == 403 || status == 404;
}

static void
test_routes (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(JsonObject) listing = list_routes ();
  JsonArray *routes = json_object_get_array_member (listing, "routes");
  g_autoptr(GString) failures = g_string_new (NULL);
  guint n_calls = 0;

  g_assert_cmpuint (json_array_get_length (routes), >=, 20);

  for (guint i = 0; i < json_array_get_length (routes); i++)
    {
      JsonObject *route = json_array_get_object_element (routes, i);
      const char *method = json_object_get_string_member (route, "method");
      const char *pattern = json_object_get_string_member (route, "pattern");
      const char *access = json_object_get_string_member (route, "access");
      const char *permission = json_object_get_null_member (route, "permission") ? NULL
                               : json_object_get_string_member (route, "permission");
      const Sample *sample = find_sample (method, pattern);
      g_autofree char *path = NULL;
      g_autofree char *body = NULL;
      GPtrArray *refusing = g_ptr_array_new ();

      if (sample == NULL)
        {
          g_string_append_printf (failures, "no sample for %s %s: add one to samples[]\n", method, pattern);
          g_ptr_array_unref (refusing);
          continue;
        }
      /* The matrix decides what the route must demand, not the route: a
       * route that forgets its permission is caught here and by the calls
       * below. */
      if (g_strcmp0 (permission, sample->permission) != 0)
        g_string_append_printf (failures, "%s %s demands %s, the matrix expects %s\n", method, pattern,
                                permission != NULL ? permission : "no permission",
                                sample->permission != NULL ? sample->permission : "none");
      permission = sample->permission;
      path = make_path (f, sample);
      body = make_body (f, sample);

      if (strcmp (access, "public") != 0)
        g_ptr_array_add (refusing, "none");
      if (strcmp (access, "member") == 0)
        {
          g_ptr_array_add (refusing, "disabled");
          g_ptr_array_add (refusing, "other");
          if (permission != NULL && !permission_is_open (permission))
            {
              g_ptr_array_add (refusing, "plain");
              g_ptr_array_add (refusing, "expired");
              g_ptr_array_add (refusing, "future");
            }
        }

      for (guint j = 0; j < refusing->len; j++)
        {
          Identity *id = identity (f, g_ptr_array_index (refusing, j));
          guint status = request (f, method, path, id->token, body, NULL);

          n_calls++;
          if (!refused (status))
            g_string_append_printf (failures, "%s %s as %s: %u, expected a refusal\n",
                                    method, path, id->name, status);
        }
      g_ptr_array_unref (refusing);

      if (sample->expect != EXPECT_SKIP)
        {
          Identity *id = identity (f, sample->as != NULL ? sample->as : "admin");
          guint status = request (f, method, path, id->token, body, NULL);

          n_calls++;
          if (sample->expect == EXPECT_SUCCESS ? (status < 200 || status > 299) : refused (status))
            g_string_append_printf (failures, "%s %s as %s: %u, expected it allowed\n",
                                    method, path, id->name, status);
        }
    }

  g_test_message ("%u calls", n_calls);
  if (failures->len > 0)
    {
      g_test_message ("%s", failures->str);
      g_test_fail ();
    }
}

/* Pulls the whole feed of ENTERPRISE as @token; returns collection → count. */
static GHashTable *
pull_feed (Fixture    *f,
           const char *token)
{
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 cursor = 0;
  gboolean more = TRUE;

  while (more)
    {
      g_autoptr(JsonObject) page = NULL;
      g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%d/changes?since=%" G_GINT64_FORMAT "&limit=500",
                                               ENTERPRISE, cursor);
      JsonArray *changes;

      g_assert_cmpuint (request (f, "GET", path, token, NULL, &page), ==, 200);
      changes = json_object_get_array_member (page, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);
          const char *name = json_object_get_string_member (change, "collection");

          if (g_strcmp0 (json_object_get_string_member (change, "op"), "upsert") == 0)
            g_hash_table_insert (counts, g_strdup (name),
                                 GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, name)) + 1));
        }
      cursor = json_object_get_int_member (page, "cursor");
      more = json_object_get_boolean_member (page, "more");
    }
  return counts;
}

static void
test_collections (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(JsonObject) listing = list_routes ();
  JsonArray *collections = json_object_get_array_member (listing, "collections");
  g_autoptr(GHashTable) plain = pull_feed (f, identity (f, "plain")->token);
  g_autoptr(GHashTable) expired = pull_feed (f, identity (f, "expired")->token);
  g_autoptr(GHashTable) admin = pull_feed (f, identity (f, "admin")->token);
  guint n_checked = 0;

  /* the feed works at all: everyone gets the enterprise and messages */
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (plain, "messages")), >, 0);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (plain, "access")), ==, 1);

  for (guint i = 0; i < json_array_get_length (collections); i++)
    {
      JsonObject *collection = json_array_get_object_element (collections, i);
      const char *name = json_object_get_string_member (collection, "name");
      const char *view;

      if (json_object_get_null_member (collection, "view_permission"))
        continue;
      view = json_object_get_string_member (collection, "view_permission");
      if (permission_is_open (view))
        continue;

      n_checked++;
      g_test_message ("%s (%s): admin %u, plain %u, expired %u", name, view,
                      GPOINTER_TO_UINT (g_hash_table_lookup (admin, name)),
                      GPOINTER_TO_UINT (g_hash_table_lookup (plain, name)),
                      GPOINTER_TO_UINT (g_hash_table_lookup (expired, name)));
      g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (plain, name)), ==, 0);
      g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (expired, name)), ==, 0);
    }
  g_test_message ("%u collections with a view permission checked", n_checked);
}

/* The plain member's mutations of a collection it may not manage are
 * rejected one by one; the batch itself is accepted. */
static void
test_mutations (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(JsonObject) listing = list_routes ();
  JsonArray *collections = json_object_get_array_member (listing, "collections");
  g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%d/mutations", ENTERPRISE);

  for (guint i = 0; i < json_array_get_length (collections); i++)
    {
      JsonObject *collection = json_array_get_object_element (collections, i);
      const char *name = json_object_get_string_member (collection, "name");
      g_autoptr(JsonObject) reply = NULL;
      g_autofree char *body = NULL;
      JsonArray *results;
      const char *manage;

      if (json_object_get_null_member (collection, "manage_permission"))
        continue;
      manage = json_object_get_string_member (collection, "manage_permission");
      if (permission_is_open (manage))
        continue;

      body = g_strdup_printf ("{\"mutations\":[{\"id\":\"m-%s\",\"collection\":\"%s\",\"op\":\"update\","
                              "\"record_id\":1,\"fields\":{}}]}", name, name);
      g_assert_cmpuint (request (f, "POST", path, identity (f, "plain")->token, body, &reply), ==, 200);
      results = json_object_get_array_member (reply, "results");
      g_assert_cmpuint (json_array_get_length (results), ==, 1);
      g_test_message ("%s: %s", name,
                      json_object_get_string_member (json_array_get_object_element (results, 0), "status"));
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "status"),
                       !=, "applied");
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/authz-matrix/routes", Fixture, NULL, fixture_set_up, test_routes, fixture_tear_down);
  g_test_add ("/authz-matrix/collections", Fixture, NULL, fixture_set_up, test_collections, fixture_tear_down);
  g_test_add ("/authz-matrix/mutations", Fixture, NULL, fixture_set_up, test_mutations, fixture_tear_down);

  return g_test_run ();
}
