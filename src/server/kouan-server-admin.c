/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-grant-status.h"
#include "kouan-json.h"
#include "kouan-permissions.h"
#include "kouan-server.h"
#include "kouan-server-admin-private.h"

/* 管理员中心, people: roles, departments, staff, grants, join requests and
 * the audit log (docs/api.md, "Administrator center: people"). The router
 * has checked token, active membership and the route's permission; the
 * handlers check what only they can: that records belong to {eid}, and
 * that an enterprise keeps at least one active administrator — each change
 * runs in a transaction, and one that would leave none is rolled back with
 * 409 "last_admin". */

#define NAME_MAX_CHARS   50
#define PAGE_MAX        500
#define NOTICE_DAYS       7

/* ---- small helpers ---- */

static void
reply_db_error (KouanRequest *req,
                GError       *error)
{
  g_warning ("Database error: %s", error != NULL ? error->message : "unknown");
  kouan_server_reply_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                            "The server could not store the change");
}

/* A strict "YYYY-MM-DD" of a real day. */
static gboolean
date_is_valid (const char *text)
{
  guint64 y, m, d;
  g_autofree char *y_text = NULL, *m_text = NULL, *d_text = NULL;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  y_text = g_strndup (text, 4);
  m_text = g_strndup (text + 5, 2);
  d_text = g_strndup (text + 8, 2);
  if (!g_ascii_string_to_unsigned (y_text, 10, 1900, 9999, &y, NULL) ||
      !g_ascii_string_to_unsigned (m_text, 10, 1, 12, &m, NULL) ||
      !g_ascii_string_to_unsigned (d_text, 10, 1, 31, &d, NULL))
    return FALSE;
  return g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

static gboolean
name_is_valid (const char *name)
{
  g_autofree char *stripped = NULL;

  if (name == NULL)
    return FALSE;
  stripped = g_strstrip (g_strdup (name));
  return *stripped != '\0' && g_utf8_strlen (stripped, -1) <= NAME_MAX_CHARS &&
         strcmp (stripped, name) == 0;
}

static const char *
query_get (KouanRequest *req,
           const char   *key)
{
  const char *value = req->query != NULL ? g_hash_table_lookup (req->query, key) : NULL;

  return value != NULL && *value != '\0' ? value : NULL;
}

static gboolean
query_int (KouanRequest *req,
           const char   *key,
           gint64        min,
           gint64        max,
           gint64        fallback,
           gint64       *out)
{
  const char *text = query_get (req, key);
  guint64 value;

  *out = fallback;
  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, (guint64) MAX (min, 0), (guint64) max, &value, NULL))
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid_query",
                                "\"%s\" must be a number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                                key, min, max);
      return FALSE;
    }
  *out = (gint64) value;
  return TRUE;
}

static gboolean
begin (KouanRequest *req)
{
  g_autoptr(GError) error = NULL;

  if (!kouan_storage_begin (req->server->storage, &error))
    {
      reply_db_error (req, error);
      return FALSE;
    }
  return TRUE;
}

/* Commits unless the change left the enterprise without an active
 * administrator. Replies on failure; the caller replies on success. */
static gboolean
commit_keeping_admin (KouanRequest *req)
{
  g_autoptr(GError) error = NULL;

  if (kouan_server_authz_count_admins (req->server, req->enterprise_id) < 1)
    {
      kouan_storage_rollback (req->server->storage);
      kouan_server_reply_error (req->msg, SOUP_STATUS_CONFLICT, "last_admin",
                                "An enterprise needs at least one active administrator: "
                                "grant the administrator role to another member first");
      return FALSE;
    }
  /* a read that failed inside the transaction may have left the change
   * built on partial data: never commit that */
  if (kouan_server_db_failed (req->server, &error) ||
      !kouan_storage_commit (req->server->storage, &error))
    {
      kouan_storage_rollback (req->server->storage);
      reply_db_error (req, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
fail (KouanRequest *req,
      GError       *error)
{
  kouan_storage_rollback (req->server->storage);
  reply_db_error (req, error);
  return FALSE;
}

gboolean
kouan_server_audit_record (KouanServer *self,
                           gint64       enterprise_id,
                           gint64       user_id,
                           const char  *action,
                           JsonObject  *before,
                           JsonObject  *after)
{
  g_autofree char *before_text = before != NULL ? kouan_json_object_to_string (before) : NULL;
  g_autofree char *after_text = after != NULL ? kouan_json_object_to_string (after) : NULL;
  g_autoptr(GError) error = NULL;

  if (!self->storage->audit->audit_record (self->storage, enterprise_id, user_id, action,
                                           before_text, after_text,
                                           g_get_real_time () / G_USEC_PER_SEC, NULL, &error))
    {
      g_warning ("Cannot record %s in the audit log: %s", action, error->message);
      return FALSE;
    }
  return TRUE;
}

/* ---- records as JSON ---- */

static JsonArray *
role_permissions_json (const KouanStoredRole *stored)
{
  JsonArray *array = json_array_new ();

  if (stored->builtin)
    {
      guint n_menus;
      const KouanMenu *menus = kouan_permissions_menus (&n_menus);

      /* everything, spelled out so the app can show the full tree */
      for (guint i = 0; i < n_menus; i++)
        {
          g_autofree char *view = g_strdup_printf ("%s:view", menus[i].id);

          json_array_add_string_element (array, view);
          if (menus[i].manage)
            {
              g_autofree char *manage = g_strdup_printf ("%s:manage", menus[i].id);

              json_array_add_string_element (array, manage);
            }
        }
      return array;
    }
  for (guint i = 0; i < stored->permissions->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (stored->permissions, i));
  return array;
}

/* (nullable) the role as the list shows it */
static JsonObject *
role_json (KouanServer *self,
           gint64       enterprise_id,
           gint64       role_id)
{
  g_autofree char *today = kouan_server_today (self);
  g_auto(KouanStoredRole) stored = { 0 };
  g_autoptr(GError) error = NULL;
  JsonObject *role;

  if (!self->storage->people->role_get (self->storage, enterprise_id, role_id, today,
                                        &stored, &error))
    {
      kouan_server_storage_failed (self, error);
      return NULL;
    }
  if (stored.id == 0)
    return NULL;
  role = json_object_new ();
  json_object_set_int_member (role, "id", role_id);
  json_object_set_string_member (role, "name", stored.name);
  json_object_set_boolean_member (role, "builtin", stored.builtin);
  json_object_set_int_member (role, "member_count", stored.member_count);
  json_object_set_int_member (role, "granted_count", stored.granted_count);
  json_object_set_array_member (role, "permissions", role_permissions_json (&stored));
  return role;
}

static void
set_id_or_null (JsonObject *object,
                const char *member,
                gint64      id)
{
  if (id != 0)
    json_object_set_int_member (object, member, id);
  else
    json_object_set_null_member (object, member);
}

JsonObject *
_kouan_server_admin_department_json (KouanServer *self,
                                     gint64       enterprise_id,
                                     gint64       department_id)
{
  g_auto(KouanStoredDepartment) stored = { 0 };
  g_autoptr(GError) error = NULL;
  JsonObject *department;

  if (!self->storage->people->department_get (self->storage, enterprise_id, department_id,
                                              &stored, &error))
    {
      kouan_server_storage_failed (self, error);
      return NULL;
    }
  if (stored.id == 0)
    return NULL;
  department = json_object_new ();
  json_object_set_int_member (department, "id", department_id);
  set_id_or_null (department, "parent_id", stored.parent_id);
  json_object_set_string_member (department, "name", stored.name);
  set_id_or_null (department, "head_user_id", stored.head_user_id);
  if (stored.head_name != NULL)
    json_object_set_string_member (department, "head_name", stored.head_name);
  else
    json_object_set_null_member (department, "head_name");
  json_object_set_int_member (department, "member_count", stored.member_count);
  return department;
}

#define department_json _kouan_server_admin_department_json

static JsonObject *
grant_from_stored (const KouanStoredGrant *stored,
                   const char             *today)
{
  JsonObject *grant = json_object_new ();
  const char *state = kouan_grant_status_to_string (
    kouan_grant_status_for (stored->starts_on, stored->ends_on, today, NULL));

  json_object_set_int_member (grant, "id", stored->id);
  json_object_set_int_member (grant, "role_id", stored->role_id);
  json_object_set_string_member (grant, "role", stored->role);
  /* the built-in role reads "Administrator" in English (kouan_role_display_name) */
  json_object_set_boolean_member (grant, "builtin", stored->builtin);
  json_object_set_string_member (grant, "starts_on", stored->starts_on);
  if (stored->ends_on == NULL)
    json_object_set_null_member (grant, "ends_on");
  else
    json_object_set_string_member (grant, "ends_on", stored->ends_on);
  json_object_set_string_member (grant, "state", state);
  return grant;
}

static JsonArray *
member_grants_json (KouanServer *self,
                    gint64       enterprise_id,
                    gint64       user_id,
                    const char  *today)
{
  g_autoptr(GArray) stored = g_array_new (FALSE, TRUE, sizeof (KouanStoredGrant));
  g_autoptr(GError) error = NULL;
  JsonArray *grants = json_array_new ();

  g_array_set_clear_func (stored, (GDestroyNotify) kouan_stored_grant_clear);
  if (!self->storage->people->member_grants (self->storage, enterprise_id, user_id, stored,
                                             &error))
    {
      kouan_server_storage_failed (self, error);
      return grants;
    }
  for (guint i = 0; i < stored->len; i++)
    json_array_add_object_element (grants,
                                   grant_from_stored (&g_array_index (stored, KouanStoredGrant, i),
                                                      today));
  return grants;
}

/* A member's status as the staff list shows it, by core's one rule
 * (kouan-grant-status.h, registered as an SQL function by the database):
 * "disabled", else the best status of their grants ("active", "expiring",
 * "pending", "expired"), "active" without grants. ?2 is today. */
#define STATUS_SQL \
  "kouan_member_status (m.status, ?2," \
  " (SELECT group_concat (g.starts_on || '~' || COALESCE (g.ends_on, ''), ',') FROM grants g" \
  "   WHERE g.enterprise_id = m.enterprise_id AND g.user_id = m.user_id))"

#define MEMBER_COLUMNS \
  "m.user_id, u.account, u.name, m.department_id, d.name, " STATUS_SQL ", m.registered_on"

static JsonObject *
member_json (KouanServer *self,
             gint64       enterprise_id,
             gint64       user_id)
{
  g_autofree char *today = kouan_server_today (self);
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT " MEMBER_COLUMNS
    " FROM memberships m JOIN users u ON u.id = m.user_id"
    " LEFT JOIN departments d ON d.id = m.department_id"
    " WHERE m.enterprise_id = ?1 AND m.user_id = ?3");
  JsonObject *member = NULL;

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_text (stmt, 2, today, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, user_id);
  if (kouan_server_db_row (self, stmt))
    {
      /* member_from_row runs other statements: copy what it needs first */
      member = json_object_new ();
      json_object_set_int_member (member, "user_id", user_id);
      json_object_set_string_member (member, "account", kouan_server_db_column_text (stmt, 1));
      json_object_set_string_member (member, "name", kouan_server_db_column_text (stmt, 2));
      kouan_server_db_set_int_or_null (member, "department_id", stmt, 3);
      kouan_server_db_set_text_or_null (member, "department", stmt, 4);
      json_object_set_string_member (member, "status", kouan_server_db_column_text (stmt, 5));
      kouan_server_db_set_text_or_null (member, "registered_on", stmt, 6);
    }
  sqlite3_reset (stmt);
  if (member != NULL)
    json_object_set_array_member (member, "grants",
                                  member_grants_json (self, enterprise_id, user_id, today));
  return member;
}

static JsonObject *
grant_json (KouanServer *self,
            gint64       enterprise_id,
            gint64       grant_id,
            gint64      *out_user_id)
{
  g_autofree char *today = kouan_server_today (self);
  g_auto(KouanStoredGrant) stored = { 0 };
  g_autoptr(GError) error = NULL;
  JsonObject *grant;

  if (!self->storage->people->grant_get (self->storage, enterprise_id, grant_id, &stored, &error))
    {
      kouan_server_storage_failed (self, error);
      return NULL;
    }
  if (stored.id == 0)
    return NULL;
  grant = grant_from_stored (&stored, today);
  json_object_set_int_member (grant, "user_id", stored.user_id);
  /* the audit log names whose grant it was */
  json_object_set_string_member (grant, "member", stored.member);
  if (out_user_id != NULL)
    *out_user_id = stored.user_id;
  return grant;
}

static void
reply_not_found (KouanRequest *req,
                 const char   *what)
{
  kouan_server_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "not_found", "No such %s", what);
}

static void
reply_invalid (KouanRequest *req,
               const char   *message)
{
  kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid", "%s", message);
}

/* A PATCH changes the members it names and leaves the rest; one it does
 * not know (a typo, a field of another route) would otherwise be ignored
 * with a 200, and the caller would believe it stored. */
static gboolean
patch_members_known (KouanRequest      *req,
                     JsonObject        *body,
                     const char        *record,
                     const char *const *known)
{
  g_autoptr(GList) members = json_object_get_members (body);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (known, l->data))
      {
        /* the name comes from the client: quote a bounded piece of it */
        g_autofree char *name = g_utf8_substring (l->data, 0, MIN (g_utf8_strlen (l->data, -1), 64));

        kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                                  "\"%s\" is not a field of a %s that can be changed", name, record);
        return FALSE;
      }
  return TRUE;
}

static void
reply_object (KouanRequest *req,
              guint         status,
              JsonObject   *object)
{
  kouan_server_reply_json (req->msg, status, object);
}

static void
reply_items (KouanRequest *req,
             JsonArray    *items,
             gint64        total)
{
  g_autoptr(JsonObject) reply = json_object_new ();

  if (total >= 0)
    json_object_set_int_member (reply, "total", total);
  json_object_set_array_member (reply, "items", items);
  kouan_server_reply_json (req->msg, SOUP_STATUS_OK, reply);
}

/* ---- roles ---- */

static void
handle_roles_list (KouanRequest *req)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  JsonArray *items;

  if (!req->server->storage->people->roles_list (req->server->storage, req->enterprise_id,
                                                 ids, &error))
    return reply_db_error (req, error);
  items = json_array_new ();
  for (guint i = 0; i < ids->len; i++)
    {
      JsonObject *role = role_json (req->server, req->enterprise_id, g_array_index (ids, gint64, i));

      if (role != NULL)
        json_array_add_object_element (items, role);
    }
  reply_items (req, items, ids->len);
}

static void
handle_role_get (KouanRequest *req)
{
  g_autoptr(JsonObject) role = role_json (req->server, req->enterprise_id, req->record_id);

  if (role == NULL)
    return reply_not_found (req, "role");
  reply_object (req, SOUP_STATUS_OK, role);
}

/* Reads "permissions" (every entry a known permission) into @out. */
static gboolean
read_permissions (KouanRequest  *req,
                  JsonObject    *body,
                  GPtrArray    **out)
{
  JsonNode *node = json_object_get_member (body, "permissions");
  JsonArray *array;
  g_autoptr(GPtrArray) permissions = g_ptr_array_new_with_free_func (g_free);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      reply_invalid (req, "\"permissions\" must be an array of \"<menu>:<right>\" strings");
      return FALSE;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *permission;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        {
          reply_invalid (req, "\"permissions\" must be an array of \"<menu>:<right>\" strings");
          return FALSE;
        }
      permission = json_node_get_string (element);
      if (!kouan_permission_is_valid (permission))
        {
          kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                                    "Unknown permission %s", permission);
          return FALSE;
        }
      g_ptr_array_add (permissions, g_strdup (permission));
    }
  *out = g_steal_pointer (&permissions);
  return TRUE;
}

static gboolean
role_name_taken (KouanServer *self,
                 gint64       enterprise_id,
                 const char  *name,
                 gint64       except_id)
{
  g_autoptr(GError) error = NULL;
  gboolean taken = FALSE;

  if (!self->storage->people->role_name_taken (self->storage, enterprise_id, name, except_id,
                                               &taken, &error))
    kouan_server_storage_failed (self, error);
  return taken;
}

/* Renames (@name nullable) and sets the permissions (@permissions
 * nullable) of a role */
static gboolean
update_role (KouanServer  *self,
             gint64        enterprise_id,
             gint64        role_id,
             const char   *name,
             GPtrArray    *permissions,
             GError      **error)
{
  g_autoptr(GPtrArray) strv = NULL;

  if (permissions != NULL)
    {
      strv = g_ptr_array_new ();
      for (guint i = 0; i < permissions->len; i++)
        g_ptr_array_add (strv, g_ptr_array_index (permissions, i));
      g_ptr_array_add (strv, NULL);
    }
  return self->storage->people->role_update (self->storage, enterprise_id, role_id, name,
                                             strv != NULL ? (const char * const *) strv->pdata : NULL,
                                             error);
}

/* Every member holding @role_id gets their access record touched. */
static void
touch_role_holders (KouanServer *self,
                    gint64       enterprise_id,
                    gint64       role_id)
{
  g_autoptr(GArray) users = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;

  if (!self->storage->people->role_holders (self->storage, enterprise_id, role_id, users, &error))
    {
      kouan_server_storage_failed (self, error);
      return;
    }
  for (guint i = 0; i < users->len; i++)
    kouan_server_authz_touch_access (self, enterprise_id, g_array_index (users, gint64, i));
}

static void
handle_role_create (KouanRequest *req)
{
  g_autoptr(JsonObject) body = kouan_server_read_body (req->msg);
  g_autoptr(GPtrArray) permissions = NULL;
  g_autoptr(JsonObject) role = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  gint64 role_id = 0;

  if (body == NULL)
    return;
  name = json_object_has_member (body, "name") &&
         JSON_NODE_HOLDS_VALUE (json_object_get_member (body, "name")) &&
         json_node_get_value_type (json_object_get_member (body, "name")) == G_TYPE_STRING
         ? json_object_get_string_member (body, "name") : NULL;
  if (!name_is_valid (name))
    return reply_invalid (req, "A role needs a name of 1 to 50 characters without surrounding spaces");
  if (!read_permissions (req, body, &permissions))
    return;
  if (role_name_taken (req->server, req->enterprise_id, name, 0))
    return kouan_server_reply_error (req->msg, SOUP_STATUS_CONFLICT, "name_taken",
                                     "The enterprise already has a role named %s", name);

  if (!begin (req))
    return;
  g_ptr_array_add (permissions, NULL);
  if (!req->server->storage->people->role_create (req->server->storage, req->enterprise_id, name,
                                                  (const char * const *) permissions->pdata,
                                                  g_get_real_time () / G_USEC_PER_SEC,
                                                  &role_id, &error))
    return (void) fail (req, error);
  role = role_json (req->server, req->enterprise_id, role_id);
  kouan_server_audit_record (req->server, req->enterprise_id, req->session.user_id,
                             "role.create", NULL, role);
  if (!commit_keeping_admin (req))
    return;
  reply_object (req, SOUP_STATUS_CREATED, role);
}

static void
handle_role_update (KouanRequest *req)
{
  g_autoptr(JsonObject) body = kouan_server_read_body (req->msg);
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(GPtrArray) permissions = NULL;
  g_autoptr(GError) error = NULL;
  const char *name = NULL;

  if (body == NULL ||
      !patch_members_known (req, body, "role", (const char *const[]) { "name", "permissions", NULL }))
    return;
  before = role_json (req->server, req->enterprise_id, req->record_id);
  if (before == NULL)
    return reply_not_found (req, "role");

  if (json_object_has_member (body, "name"))
    {
      JsonNode *node = json_object_get_member (body, "name");

      name = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
             ? json_node_get_string (node) : NULL;
      if (!name_is_valid (name))
        return reply_invalid (req, "A role needs a name of 1 to 50 characters without surrounding spaces");
      if (role_name_taken (req->server, req->enterprise_id, name, req->record_id))
        return kouan_server_reply_error (req->msg, SOUP_STATUS_CONFLICT, "name_taken",
                                         "The enterprise already has a role named %s", name);
    }
  if (json_object_has_member (body, "permissions") &&
      !read_permissions (req, body, &permissions))
    return;

  if (json_object_get_boolean_member (before, "builtin") && (name != NULL || permissions != NULL))
    return kouan_server_reply_error (req->msg, SOUP_STATUS_CONFLICT, "builtin_role",
                                     "The built-in administrator role always holds every permission and keeps its name");

  if (!begin (req))
    return;
  if (!update_role (req->server, req->enterprise_id, req->record_id, name, permissions, &error))
    return (void) fail (req, error);

  after = role_json (req->server, req->enterprise_id, req->record_id);
  kouan_server_audit_record (req->server, req->enterprise_id, req->session.user_id,
                             "role.update", before, after);
  touch_role_holders (req->server, req->enterprise_id, req->record_id);
  if (!commit_keeping_admin (req))
    return;
  reply_object (req, SOUP_STATUS_OK, after);
}

static void
handle_role_delete (KouanRequest *req)
{
  g_autoptr(JsonObject) before = role_json (req->server, req->enterprise_id, req->record_id);
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(GError) error = NULL;
  gint64 removed = 0;

  if (before == NULL)
    return reply_not_found (req, "role");
  if (json_object_get_boolean_member (before, "builtin"))
    return kouan_server_reply_error (req->msg, SOUP_STATUS_CONFLICT, "builtin_role",
                                     "The built-in administrator role cannot be deleted");

  if (!begin (req))
    return;
  touch_role_holders (req->server, req->enterprise_id, req->record_id);
  if (!req->server->storage->people->role_delete (req->server->storage, req->enterprise_id,
                                                  req->record_id, &removed, &error))
    return (void) fail (req, error);
  kouan_server_audit_record (req->server, req->enterprise_id, req->session.user_id,
                             "role.delete", before, NULL);
  if (!commit_keeping_admin (req))
    return;

  json_object_set_int_member (reply, "removed_grants", removed);
  reply_object (req, SOUP_STATUS_OK, reply);
}

/* ---- departments ---- */

static void
handle_departments_list (KouanRequest *req)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  JsonArray *items;

  if (!req->server->storage->people->departments_list (req->server->storage, req->enterprise_id,
                                                       ids, &error))
    return reply_db_error (req, error);
  items = json_array_new ();
  for (guint i = 0; i < ids->len; i++)
    {
      JsonObject *department = department_json (req->server, req->enterprise_id,
                                                 g_array_index (ids, gint64, i));

      if (department != NULL)
        json_array_add_object_element (items, department);
    }
  reply_items (req, items, ids->len);
}

/* Would @parent_id under @department_id make a cycle (it is the
 * department itself or one of its descendants)? */
static gboolean
is_descendant_or_self (KouanServer *self,
                       gint64       enterprise_id,
                       gint64       department_id,
                       gint64       parent_id)
{
  g_autoptr(GError) error = NULL;
  gboolean under = FALSE;

  if (!self->storage->people->department_under (self->storage, enterprise_id, department_id,
                                                parent_id, &under, &error))
    kouan_server_storage_failed (self, error);
  return under;
}

/* Is @user_id a member of @enterprise_id, active or disabled? */
static gboolean
is_member_of (KouanServer *self,
              gint64       enterprise_id,
              gint64       user_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;

  if (!self->storage->people->member_status (self->storage, enterprise_id, user_id, &status,
                                             &error))
    kouan_server_storage_failed (self, error);
  return status != NULL;
}

/* Reads an optional id member: absent → *present FALSE; null → 0. */
static gboolean
read_opt_id (KouanRequest *req,
             JsonObject   *body,
             const char   *member,
             gboolean     *present,
             gint64       *out)
{
  JsonNode *node = json_object_get_member (body, member);

  *present = node != NULL;
  *out = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) <= 0)
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                                "\"%s\" must be a record id or null", member);
      return FALSE;
    }
  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
read_department_fields (KouanRequest *req,
                        JsonObject   *body,
                        gint64        department_id,
                        const char  **out_name,
                        gboolean     *has_parent,
                        gint64       *parent_id,
                        gboolean     *has_head,
                        gint64       *head_id)
{
  *out_name = NULL;
  if (json_object_has_member (body, "name"))
    {
      JsonNode *node = json_object_get_member (body, "name");
      const char *name = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                         ? json_node_get_string (node) : NULL;

      if (!name_is_valid (name))
        {
          reply_invalid (req, "A department needs a name of 1 to 50 characters without surrounding spaces");
          return FALSE;
        }
      *out_name = name;
    }
  if (!read_opt_id (req, body, "parent_id", has_parent, parent_id) ||
      !read_opt_id (req, body, "head_user_id", has_head, head_id))
    return FALSE;

  if (*parent_id != 0)
    {
      g_autoptr(JsonObject) parent = department_json (req->server, req->enterprise_id, *parent_id);

      if (parent == NULL)
        {
          reply_invalid (req, "The parent department does not exist in this enterprise");
          return FALSE;
        }
      if (department_id != 0 &&
          is_descendant_or_self (req->server, req->enterprise_id, department_id, *parent_id))
        {
          kouan_server_reply_error (req->msg, SOUP_STATUS_CONFLICT, "cycle",
                                    "A department cannot move under itself or one of its sub-departments");
          return FALSE;
        }
    }
  if (*head_id != 0 && !is_member_of (req->server, req->enterprise_id, *head_id))
    {
      reply_invalid (req, "The department head must be a member of the enterprise");
      return FALSE;
    }
  return TRUE;
}

static void
handle_department_create (KouanRequest *req)
{
  g_autoptr(JsonObject) body = kouan_server_read_body (req->msg);
  g_autoptr(JsonObject) department = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  gboolean has_parent, has_head;
  gint64 parent_id, head_id, id = 0;

  if (body == NULL)
    return;
  if (!read_department_fields (req, body, 0, &name, &has_parent, &parent_id, &has_head, &head_id))
    return;
  if (name == NULL)
    return reply_invalid (req, "A department needs a name of 1 to 50 characters without surrounding spaces");

  if (!begin (req))
    return;
  if (!req->server->storage->people->department_create (req->server->storage, req->enterprise_id,
                                                        parent_id, name, head_id, &id, &error))
    return (void) fail (req, error);
  department = department_json (req->server, req->enterprise_id, id);
  kouan_server_audit_record (req->server, req->enterprise_id, req->session.user_id,
                             "department.create", NULL, department);
  if (!commit_keeping_admin (req))
    return;
  reply_object (req, SOUP_STATUS_CREATED, department);
}

static void
handle_department_update (KouanRequest *req)
{
  g_autoptr(JsonObject) body = kouan_server_read_body (req->msg);
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  gboolean has_parent, has_head;
  gint64 parent_id, head_id;

  if (body == NULL ||
      !patch_members_known (req, body, "department",
                            (const char *const[]) { "name", "parent_id", "head_user_id", NULL }))
    return;
  before = department_json (req->server, req->enterprise_id, req->record_id);
  if (before == NULL)
    return reply_not_found (req, "department");
  if (!read_department_fields (req, body, req->record_id, &name, &has_parent, &parent_id,
                               &has_head, &head_id))
    return;

  if (!begin (req))
    return;
  if (!req->server->storage->people->department_update (req->server->storage, req->enterprise_id,
                                                        req->record_id, name, has_parent, parent_id,
                                                        has_head, head_id, &error))
    return (void) fail (req, error);
  after = department_json (req->server, req->enterprise_id, req->record_id);
  kouan_server_audit_record (req->server, req->enterprise_id, req->session.user_id,
                             "department.update", before, after);
  if (!commit_keeping_admin (req))
    return;
  reply_object (req, SOUP_STATUS_OK, after);
}

static void
handle_department_delete (KouanRequest *req)
{
  g_autoptr(JsonObject) before = department_json (req->server, req->enterprise_id, req->record_id);
  g_autoptr(GError) error = NULL;
  gboolean has_children = FALSE;

  if (before == NULL)
    return reply_not_found (req, "department");

  if (!req->server->storage->people->department_has_children (req->server->storage,
                                                              req->enterprise_id, req->record_id,
                                                              &has_children, &error))
    return reply_db_error (req, error);
  if (has_children || json_object_get_int_member (before, "member_count") > 0)
    return kouan_server_reply_error (req->msg, SOUP_STATUS_CONFLICT, "not_empty",
                                     "Only an empty department can be deleted: move its members and sub-departments first");

  if (!begin (req))
    return;
  if (!req->server->storage->people->department_delete (req->server->storage, req->enterprise_id,
                                                        req->record_id, &error))
    return (void) fail (req, error);
  kouan_server_audit_record (req->server, req->enterprise_id, req->session.user_id,
                             "department.delete", before, NULL);
  if (!commit_keeping_admin (req))
    return;
  soup_server_message_set_status (req->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

/* ---- staff ---- */

static const struct {
  const char *key;
  const char *sql;
} staff_sorts[] = {
  { "name",          "u.name" },
  { "account",       "u.account" },
  { "department",    "d.name" },
  { "status",        "status" },
  { "registered_on", "m.registered_on" },
};

static void
handle_staff_list (KouanRequest *req)
{
  g_autofree char *today = kouan_server_today (req->server);
  g_autoptr(GString) where = g_string_new (" WHERE m.enterprise_id = ?1");
  g_autoptr(GString) sql = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  const char *name = query_get (req, "name");
  const char *status = query_get (req, "status");
  const char *from = query_get (req, "registered_from");
  const char *to = query_get (req, "registered_to");
  const char *sort = query_get (req, "sort");
  const char *order = query_get (req, "order");
  const char *sort_sql = "u.name";
  gint64 role_id, department_id, offset, limit, total = 0;
  KouanGrantStatus wanted_status;
  g_autofree char *like = NULL;
  JsonArray *items;

  if (!query_int (req, "role", 1, G_MAXINT64, 0, &role_id) ||
      !query_int (req, "department", 1, G_MAXINT64, 0, &department_id) ||
      !query_int (req, "offset", 0, G_MAXINT32, 0, &offset) ||
      !query_int (req, "limit", 1, PAGE_MAX, 100, &limit))
    return;
  if (status != NULL && !kouan_grant_status_from_string (status, &wanted_status))
    return kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid_query",
                                     "\"status\" must be pending, active, expiring, expired or disabled");
  if ((from != NULL && !date_is_valid (from)) || (to != NULL && !date_is_valid (to)))
    return kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid_query",
                                     "Registration dates are YYYY-MM-DD");
  if (order != NULL && g_strcmp0 (order, "asc") != 0 && g_strcmp0 (order, "desc") != 0)
    return kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid_query",
                                     "\"order\" must be asc or desc");
  if (sort != NULL)
    {
      sort_sql = NULL;
      for (guint i = 0; i < G_N_ELEMENTS (staff_sorts); i++)
        if (strcmp (staff_sorts[i].key, sort) == 0)
          sort_sql = staff_sorts[i].sql;
      if (sort_sql == NULL)
        return kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid_query",
                                         "Unknown sort column %s", sort);
    }

  /* Parameters are numbered; the unused ones stay NULL and match all. */
  if (name != NULL)
    {
      g_autofree char *escaped = kouan_server_db_like_escape (name);

      like = g_strdup_printf ("%%%s%%", escaped);
      g_string_append (where, " AND (u.name LIKE ?3 ESCAPE '\\' OR u.account LIKE ?3 ESCAPE '\\')");
    }
  if (role_id != 0)
    g_string_append (where, " AND EXISTS (SELECT 1 FROM grants g WHERE g.enterprise_id = m.enterprise_id"
                            " AND g.user_id = m.user_id AND g.role_id = ?4)");
  if (department_id != 0)
    g_string_append (where, " AND m.department_id = ?5");
  if (from != NULL)
    g_string_append (where, " AND m.registered_on >= ?6");
  if (to != NULL)
    g_string_append (where, " AND m.registered_on <= ?7");
  if (status != NULL)
    g_string_append (where, " AND (" STATUS_SQL ") = ?8");

  sql = g_string_new ("SELECT count (*) FROM memberships m JOIN users u ON u.id = m.user_id"
                      " LEFT JOIN departments d ON d.id = m.department_id");
  g_string_append (sql, where->str);

  for (int pass = 0; pass < 2; pass++)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;

      if (pass == 1)
        {
          g_string_assign (sql, "SELECT " MEMBER_COLUMNS
                                " FROM memberships m JOIN users u ON u.id = m.user_id"
                                " LEFT JOIN departments d ON d.id = m.department_id");
          g_string_append (sql, where->str);
          g_string_append_printf (sql, " ORDER BY %s %s, u.account LIMIT ?9 OFFSET ?10",
                                  sort_sql, g_strcmp0 (order, "desc") == 0 ? "DESC" : "ASC");
        }
      /* the text depends on the filters: prepared for this request only */
      stmt = kouan_server_db_prepare (req->server, sql->str);
      sqlite3_bind_int64 (stmt, 1, req->enterprise_id);
      sqlite3_bind_text (stmt, 2, today, -1, SQLITE_TRANSIENT);
      if (like != NULL)
        sqlite3_bind_text (stmt, 3, like, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 4, role_id);
      sqlite3_bind_int64 (stmt, 5, department_id);
      if (from != NULL)
        sqlite3_bind_text (stmt, 6, from, -1, SQLITE_TRANSIENT);
      if (to != NULL)
        sqlite3_bind_text (stmt, 7, to, -1, SQLITE_TRANSIENT);
      if (status != NULL)
        sqlite3_bind_text (stmt, 8, status, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 9, limit);
      sqlite3_bind_int64 (stmt, 10, offset);

      while (kouan_server_db_row (req->server, stmt))
        {
          if (pass == 0)
            total = sqlite3_column_int64 (stmt, 0);
          else
            {
              /* grants are read after the page: one statement at a time */
              JsonObject *member = json_object_new ();

              json_object_set_int_member (member, "user_id", sqlite3_column_int64 (stmt, 0));
              json_object_set_string_member (member, "account", kouan_server_db_column_text (stmt, 1));
              json_object_set_string_member (member, "name", kouan_server_db_column_text (stmt, 2));
              kouan_server_db_set_int_or_null (member, "department_id", stmt, 3);
              kouan_server_db_set_text_or_null (member, "department", stmt, 4);
              json_object_set_string_member (member, "status", kouan_server_db_column_text (stmt, 5));
              kouan_server_db_set_text_or_null (member, "registered_on", stmt, 6);
              g_ptr_array_add (rows, member);
            }
        }
    }

  items = json_array_new ();
  for (guint i = 0; i < rows->len; i++)
    {
      JsonObject *member = g_ptr_array_index (rows, i);

      json_object_set_array_member (member, "grants",
                                    member_grants_json (req->server, req->enterprise_id,
                                                        json_object_get_int_member (member, "user_id"),
                                                        today));
      json_array_add_object_element (items, json_object_ref (member));
    }
  reply_items (req, items, total);
}

static void
handle_staff_get (KouanRequest *req)
{
  g_autoptr(JsonObject) member = member_json (req->server, req->enterprise_id, req->record_id);

  if (member == NULL)
    return reply_not_found (req, "member");
  reply_object (req, SOUP_STATUS_OK, member);
}

static void
handle_staff_update (KouanRequest *req)
{
  g_autoptr(JsonObject) body = kouan_server_read_body (req->msg);
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(GError) error = NULL;
  const char *status = NULL;
  gboolean has_department;
  gint64 department_id;
  sqlite3_stmt *stmt;

  if (body == NULL ||
      !patch_members_known (req, body, "member", (const char *const[]) { "status", "department_id", NULL }))
    return;
  before = member_json (req->server, req->enterprise_id, req->record_id);
  if (before == NULL)
    return reply_not_found (req, "member");

  if (json_object_has_member (body, "status"))
    {
      JsonNode *node = json_object_get_member (body, "status");

      status = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
               ? json_node_get_string (node) : NULL;
      if (g_strcmp0 (status, "active") != 0 && g_strcmp0 (status, "disabled") != 0)
        return reply_invalid (req, "\"status\" must be active or disabled");
    }
  if (!read_opt_id (req, body, "department_id", &has_department, &department_id))
    return;
  if (department_id != 0)
    {
      g_autoptr(JsonObject) department = department_json (req->server, req->enterprise_id, department_id);

      if (department == NULL)
        return reply_invalid (req, "The department does not exist in this enterprise");
    }

  if (!begin (req))
    return;
  stmt = kouan_server_db_stmt (req->server,
    "UPDATE memberships SET status = COALESCE (?3, status),"
    "  department_id = CASE WHEN ?4 THEN NULLIF (?5, 0) ELSE department_id END"
    " WHERE enterprise_id = ?1 AND user_id = ?2");
  sqlite3_bind_int64 (stmt, 1, req->enterprise_id);
  sqlite3_bind_int64 (stmt, 2, req->record_id);
  if (status != NULL)
    sqlite3_bind_text (stmt, 3, status, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 3);
  sqlite3_bind_int (stmt, 4, has_department);
  sqlite3_bind_int64 (stmt, 5, department_id);
  if (!kouan_server_db_step_done (req->server, stmt, &error))
    return (void) fail (req, error);
  after = member_json (req->server, req->enterprise_id, req->record_id);
  kouan_server_audit_record (req->server, req->enterprise_id, req->session.user_id,
                             status == NULL ? "member.update"
                             : strcmp (status, "disabled") == 0 ? "member.disable" : "member.enable",
                             before, after);
  kouan_server_authz_touch_access (req->server, req->enterprise_id, req->record_id);
  if (!commit_keeping_admin (req))
    return;
  reply_object (req, SOUP_STATUS_OK, after);
}

static void
handle_staff_remove (KouanRequest *req)
{
  g_autoptr(JsonObject) before = member_json (req->server, req->enterprise_id, req->record_id);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  if (before == NULL)
    return reply_not_found (req, "member");

  if (!begin (req))
    return;
  stmt = kouan_server_db_stmt (req->server,
    "DELETE FROM grants WHERE enterprise_id = ?1 AND user_id = ?2");
  sqlite3_bind_int64 (stmt, 1, req->enterprise_id);
  sqlite3_bind_int64 (stmt, 2, req->record_id);
  if (!kouan_server_db_step_done (req->server, stmt, &error))
    return (void) fail (req, error);
  stmt = kouan_server_db_stmt (req->server,
    "UPDATE departments SET head_user_id = NULL WHERE enterprise_id = ?1 AND head_user_id = ?2");
  sqlite3_bind_int64 (stmt, 1, req->enterprise_id);
  sqlite3_bind_int64 (stmt, 2, req->record_id);
  if (!kouan_server_db_step_done (req->server, stmt, &error))
    return (void) fail (req, error);
  stmt = kouan_server_db_stmt (req->server,
    "DELETE FROM memberships WHERE enterprise_id = ?1 AND user_id = ?2");
  sqlite3_bind_int64 (stmt, 1, req->enterprise_id);
  sqlite3_bind_int64 (stmt, 2, req->record_id);
  if (!kouan_server_db_step_done (req->server, stmt, &error))
    return (void) fail (req, error);
  kouan_server_audit_record (req->server, req->enterprise_id, req->session.user_id,
                             "member.remove", before, NULL);
  if (!commit_keeping_admin (req))
    return;
  soup_server_message_set_status (req->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

/* ---- grants ---- */

static void
handle_grant_create (KouanRequest *req)
{
  g_autoptr(JsonObject) body = kouan_server_read_body (req->msg);
  g_autoptr(JsonObject) member = NULL;
  g_autoptr(JsonObject) role = NULL;
  g_autoptr(JsonObject) grant = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *starts_node, *ends_node;
  const char *starts_on = NULL, *ends_on = NULL;
  gboolean has_role;
  gint64 role_id, grant_id = 0;

  if (body == NULL)
    return;
  member = member_json (req->server, req->enterprise_id, req->record_id);
  if (member == NULL)
    return reply_not_found (req, "member");
  if (!read_opt_id (req, body, "role_id", &has_role, &role_id))
    return;
  if (role_id == 0 || (role = role_json (req->server, req->enterprise_id, role_id)) == NULL)
    return reply_invalid (req, "\"role_id\" must name a role of this enterprise");

  starts_node = json_object_get_member (body, "starts_on");
  ends_node = json_object_get_member (body, "ends_on");
  if (starts_node != NULL && JSON_NODE_HOLDS_VALUE (starts_node) &&
      json_node_get_value_type (starts_node) == G_TYPE_STRING)
    starts_on = json_node_get_string (starts_node);
  if (!date_is_valid (starts_on))
    return reply_invalid (req, "\"starts_on\" must be a date, YYYY-MM-DD");
  if (ends_node != NULL && !JSON_NODE_HOLDS_NULL (ends_node))
    {
      if (JSON_NODE_HOLDS_VALUE (ends_node) && json_node_get_value_type (ends_node) == G_TYPE_STRING)
        ends_on = json_node_get_string (ends_node);
      if (!date_is_valid (ends_on))
        return reply_invalid (req, "\"ends_on\" must be a date, YYYY-MM-DD, or null (open-ended)");
      if (strcmp (ends_on, starts_on) < 0)
        return reply_invalid (req, "A grant cannot end before it starts");
    }

  if (!begin (req))
    return;
  if (!req->server->storage->people->grant_create (req->server->storage, req->enterprise_id,
                                                   req->record_id, role_id, starts_on, ends_on,
                                                   g_get_real_time () / G_USEC_PER_SEC,
                                                   &grant_id, &error))
    return (void) fail (req, error);
  grant = grant_json (req->server, req->enterprise_id, grant_id, NULL);
  kouan_server_audit_record (req->server, req->enterprise_id, req->session.user_id,
                             "grant.add", NULL, grant);
  kouan_server_authz_touch_access (req->server, req->enterprise_id, req->record_id);
  if (!commit_keeping_admin (req))
    return;
  reply_object (req, SOUP_STATUS_CREATED, grant);
}

static void
handle_grant_delete (KouanRequest *req)
{
  gint64 user_id = 0;
  g_autoptr(JsonObject) before = grant_json (req->server, req->enterprise_id, req->record_id, &user_id);
  g_autoptr(GError) error = NULL;

  if (before == NULL)
    return reply_not_found (req, "grant");

  if (!begin (req))
    return;
  if (!req->server->storage->people->grant_delete (req->server->storage, req->enterprise_id,
                                                   req->record_id, &error))
    return (void) fail (req, error);
  kouan_server_audit_record (req->server, req->enterprise_id, req->session.user_id,
                             "grant.remove", before, NULL);
  kouan_server_authz_touch_access (req->server, req->enterprise_id, user_id);
  if (!commit_keeping_admin (req))
    return;
  soup_server_message_set_status (req->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

/* The caller's own access: effective permissions and grants (every
 * member sees the grants they hold and when they end). */
static void
handle_my_access (KouanRequest *req)
{
  g_autofree char *today = kouan_server_today (req->server);
  g_autoptr(JsonObject) reply = json_object_new ();

  json_object_set_string_member (reply, "today", today);
  json_object_set_array_member (reply, "roles",
                                kouan_server_authz_roles_json (req->server, req->session.user_id,
                                                               req->enterprise_id));
  json_object_set_array_member (reply, "permissions",
                                kouan_server_authz_permissions_json (req->server, req->session.user_id,
                                                                     req->enterprise_id));
  json_object_set_array_member (reply, "grants",
                                member_grants_json (req->server, req->enterprise_id,
                                                    req->session.user_id, today));
  kouan_server_reply_json (req->msg, SOUP_STATUS_OK, reply);
}

/* ---- join requests (created by the personal center) ---- */

static void
handle_join_requests_list (KouanRequest *req)
{
  g_autoptr(GArray) pending = g_array_new (FALSE, TRUE, sizeof (KouanStoredPendingJoin));
  g_autoptr(GError) error = NULL;
  JsonArray *items;

  g_array_set_clear_func (pending, (GDestroyNotify) kouan_stored_pending_join_clear);
  if (!req->server->storage->people->join_requests_pending (req->server->storage,
                                                            req->enterprise_id, pending, &error))
    return reply_db_error (req, error);
  items = json_array_new ();
  for (guint i = 0; i < pending->len; i++)
    {
      const KouanStoredPendingJoin *request = &g_array_index (pending, KouanStoredPendingJoin, i);
      JsonObject *item = json_object_new ();

      json_object_set_int_member (item, "id", request->id);
      json_object_set_int_member (item, "user_id", request->user_id);
      json_object_set_string_member (item, "account", request->account);
      json_object_set_string_member (item, "name", request->name);
      json_object_set_int_member (item, "created_at", request->created_at);
      json_array_add_object_element (items, item);
    }
  reply_items (req, items, pending->len);
}

static void
decide_join_request (KouanRequest *req,
                     gboolean      approve)
{
  g_autoptr(JsonObject) record = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *today = kouan_server_today (req->server);
  gint64 user_id = 0;

  if (!begin (req))
    return;
  if (!req->server->storage->people->join_request_decide (req->server->storage, req->enterprise_id,
                                                          req->record_id, approve,
                                                          g_get_real_time () / G_USEC_PER_SEC,
                                                          req->session.user_id, today,
                                                          &user_id, &error))
    return (void) fail (req, error);
  if (user_id == 0)
    {
      kouan_storage_rollback (req->server->storage);
      return reply_not_found (req, "pending join request");
    }
  json_object_set_int_member (record, "id", req->record_id);
  json_object_set_int_member (record, "user_id", user_id);
  json_object_set_string_member (record, "status", approve ? "approved" : "rejected");
  kouan_server_audit_record (req->server, req->enterprise_id, req->session.user_id,
                             approve ? "join_request.approve" : "join_request.reject", NULL, record);
  if (!commit_keeping_admin (req))
    return;
  reply_object (req, SOUP_STATUS_OK, record);
}

static void
handle_join_request_approve (KouanRequest *req)
{
  decide_join_request (req, TRUE);
}

static void
handle_join_request_reject (KouanRequest *req)
{
  decide_join_request (req, FALSE);
}

/* ---- audit log ---- */

static void
set_text_or_null (JsonObject *object, const char *name, const char *text)
{
  if (text != NULL)
    json_object_set_string_member (object, name, text);
  else
    json_object_set_null_member (object, name);
}

static JsonNode *
parse_or_null (const char *text)
{
  JsonNode *node = text != NULL ? kouan_json_parse (text, -1, NULL) : NULL;

  return node != NULL ? node : json_node_new (JSON_NODE_NULL);
}

static void
handle_audit_list (KouanRequest *req)
{
  const char *action = query_get (req, "action");
  const char *from = query_get (req, "from");
  const char *to = query_get (req, "to");
  gint64 user_id, offset, limit, total = 0;
  g_autoptr(GArray) entries = g_array_new (FALSE, TRUE, sizeof (KouanStoredAuditEntry));
  g_autoptr(GError) error = NULL;
  JsonArray *items;
  gint64 from_ts = G_MININT64, to_ts = G_MAXINT64;

  if (!query_int (req, "user", 1, G_MAXINT64, 0, &user_id) ||
      !query_int (req, "offset", 0, G_MAXINT32, 0, &offset) ||
      !query_int (req, "limit", 1, PAGE_MAX, 100, &limit))
    return;
  if ((from != NULL && !date_is_valid (from)) || (to != NULL && !date_is_valid (to)))
    return kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid_query",
                                     "Dates are YYYY-MM-DD");
  /* the dates are China days; entries carry Unix seconds */
  if (from != NULL)
    {
      g_autofree char *iso = g_strdup_printf ("%sT00:00:00+08:00", from);
      g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

      from_ts = g_date_time_to_unix (dt);
    }
  if (to != NULL)
    {
      g_autofree char *iso = g_strdup_printf ("%sT00:00:00+08:00", to);
      g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

      to_ts = g_date_time_to_unix (dt) + 24 * 60 * 60;
    }

  /* @action is a prefix ("role." finds every role change); the user's
   * text matches literally, wildcards included */
  g_array_set_clear_func (entries, (GDestroyNotify) kouan_stored_audit_entry_clear);
  if (!req->server->storage->audit->audit_list (req->server->storage, req->enterprise_id, action,
                                                user_id, from_ts, to_ts, limit, offset,
                                                entries, &total, &error))
    {
      kouan_server_storage_failed (req->server, error);
      return;
    }
  items = json_array_new ();
  for (guint i = 0; i < entries->len; i++)
    {
      const KouanStoredAuditEntry *entry = &g_array_index (entries, KouanStoredAuditEntry, i);
      JsonObject *item = json_object_new ();

      json_object_set_int_member (item, "id", entry->id);
      if (entry->user_id != 0)
        json_object_set_int_member (item, "user_id", entry->user_id);
      else
        json_object_set_null_member (item, "user_id");
      set_text_or_null (item, "account", entry->account);
      set_text_or_null (item, "name", entry->name);
      json_object_set_string_member (item, "action", entry->action);
      json_object_set_member (item, "before", parse_or_null (entry->before_json));
      json_object_set_member (item, "after", parse_or_null (entry->after_json));
      json_object_set_int_member (item, "created_at", entry->created_at);
      json_array_add_object_element (items, item);
    }
  reply_items (req, items, total);
}

/* ---- the route table ---- */

#define EID "/api/v1/enterprises/{eid}"

static const KouanRoute admin_routes[] = {
  { "GET",    EID "/roles",                       KOUAN_ROUTE_MEMBER, "admin.roles:view",         handle_roles_list },
  { "POST",   EID "/roles",                       KOUAN_ROUTE_MEMBER, "admin.roles:manage",       handle_role_create },
  { "GET",    EID "/roles/{id}",                  KOUAN_ROUTE_MEMBER, "admin.roles:view",         handle_role_get },
  { "PATCH",  EID "/roles/{id}",                  KOUAN_ROUTE_MEMBER, "admin.roles:manage",       handle_role_update },
  { "DELETE", EID "/roles/{id}",                  KOUAN_ROUTE_MEMBER, "admin.roles:manage",       handle_role_delete },
  { "GET",    EID "/departments",                 KOUAN_ROUTE_MEMBER, "admin.departments:view",   handle_departments_list },
  { "POST",   EID "/departments",                 KOUAN_ROUTE_MEMBER, "admin.departments:manage", handle_department_create },
  { "PATCH",  EID "/departments/{id}",            KOUAN_ROUTE_MEMBER, "admin.departments:manage", handle_department_update },
  { "DELETE", EID "/departments/{id}",            KOUAN_ROUTE_MEMBER, "admin.departments:manage", handle_department_delete },
  { "GET",    EID "/staff",                       KOUAN_ROUTE_MEMBER, "admin.staff:view",         handle_staff_list },
  { "GET",    EID "/staff/{id}",                  KOUAN_ROUTE_MEMBER, "admin.staff:view",         handle_staff_get },
  { "PATCH",  EID "/staff/{id}",                  KOUAN_ROUTE_MEMBER, "admin.staff:manage",       handle_staff_update },
  { "DELETE", EID "/staff/{id}",                  KOUAN_ROUTE_MEMBER, "admin.staff:manage",       handle_staff_remove },
  { "POST",   EID "/staff/{id}/grants",           KOUAN_ROUTE_MEMBER, "admin.staff:manage",       handle_grant_create },
  { "DELETE", EID "/grants/{id}",                 KOUAN_ROUTE_MEMBER, "admin.staff:manage",       handle_grant_delete },
  { "GET",    EID "/join-requests",               KOUAN_ROUTE_MEMBER, "admin.staff:view",         handle_join_requests_list },
  { "POST",   EID "/join-requests/{id}/approve",  KOUAN_ROUTE_MEMBER, "admin.staff:manage",       handle_join_request_approve },
  { "POST",   EID "/join-requests/{id}/reject",   KOUAN_ROUTE_MEMBER, "admin.staff:manage",       handle_join_request_reject },
  { "GET",    EID "/audit",                       KOUAN_ROUTE_MEMBER, "admin.audit:view",         handle_audit_list },
  { "GET",    EID "/my-access",                   KOUAN_ROUTE_MEMBER, NULL,                       handle_my_access },
};

/* ---- the "access" collection: one record per member, their own ---- */

static JsonObject *
access_materialise (KouanServer *self,
                    gint64       enterprise_id,
                    gint64       record_id,
                    gint64       user_id)
{
  JsonObject *record;

  /* only one's own access; anything else reads as deleted */
  if (record_id != user_id || !kouan_server_authz_is_active (self, user_id, enterprise_id))
    return NULL;

  record = json_object_new ();
  json_object_set_int_member (record, "id", user_id);
  json_object_set_array_member (record, "roles",
                                kouan_server_authz_roles_json (self, user_id, enterprise_id));
  json_object_set_array_member (record, "permissions",
                                kouan_server_authz_permissions_json (self, user_id, enterprise_id));
  /* every grant with its period (also expired and future ones), so the
   * personal center shows offline what the member holds and when it
   * ends; the client judges validity against its own date, since the
   * record only changes when a grant starts or ends */
  {
    g_autofree char *today = kouan_server_today (self);

    json_object_set_array_member (record, "grants",
                                  member_grants_json (self, enterprise_id, user_id, today));
  }
  return record;
}

static const KouanServerCollection access_collection = {
  .name = "access",
  .view_permission = NULL,
  .manage_permission = NULL,
  .materialise = access_materialise,
  .apply = NULL,
};

/* ---- grant expiry notices ---- */

static gboolean
on_daily_check (gpointer user_data)
{
  kouan_server_admin_check_grants (user_data);
  return G_SOURCE_CONTINUE;
}

typedef struct {
  gint64  grant_id;
  gint64  enterprise_id;
  gint64  user_id;
  char   *title;
  char   *body;
  char   *actions;
} Notice;

static void
notice_clear (gpointer data)
{
  Notice *notice = data;

  g_free (notice->title);
  g_free (notice->body);
  g_free (notice->actions);
}

void
kouan_server_admin_check_grants (KouanServer *self)
{
  g_autofree char *today = kouan_server_today (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) touched = g_array_new (FALSE, FALSE, sizeof (gint64) * 2);
  g_autoptr(GArray) notices = g_array_new (FALSE, FALSE, sizeof (Notice));
  g_autoptr(GArray) notified = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) audience = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;

  g_array_set_clear_func (notices, notice_clear);
  kouan_server_db_failure_clear (self);   /* a timer, not a request */
  if (!kouan_server_db_begin (self, &error))
    {
      g_warning ("Cannot check grants: %s", error->message);
      return;
    }

  /* One notice per grant ending within the next NOTICE_DAYS days, for the
   * member and the enterprise's administrators only: the message's change
   * row for everyone is replaced by rows of those users, so nobody else's
   * feed ever carries it. */
  stmt = kouan_server_db_stmt (self,
    "SELECT g.id, g.enterprise_id, g.user_id,"
    "   '权限即将到期：' || u.name || '的“' || r.name || '”角色',"
    "   u.name || '（' || u.account || '）的“' || r.name || '”角色权限将于 ' || g.ends_on ||"
    "   ' 到期。如需继续使用，请联系管理员在“管理员中心 → 人员权限”中延长有效期。',"
    /* the notice's action: 人员权限 at this member (docs/api.md) */
    "   json_array (json_object ('label', '在人员权限中查看', 'area', 'admin.staff',"
    "                            'object', u.account))"
    " FROM grants g JOIN users u ON u.id = g.user_id JOIN roles r ON r.id = g.role_id"
    " JOIN memberships m ON m.user_id = g.user_id AND m.enterprise_id = g.enterprise_id"
    " WHERE g.notified_on IS NULL AND g.ends_on IS NOT NULL"
    "   AND g.ends_on >= ?1 AND g.ends_on <= date (?1, '+7 days')");
  sqlite3_bind_text (stmt, 1, today, -1, SQLITE_TRANSIENT);
  while (kouan_server_db_row (self, stmt))
    {
      Notice notice = {
        sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1), sqlite3_column_int64 (stmt, 2),
        g_strdup ((const char *) sqlite3_column_text (stmt, 3)),
        g_strdup ((const char *) sqlite3_column_text (stmt, 4)),
        g_strdup ((const char *) sqlite3_column_text (stmt, 5)),
      };

      g_array_append_val (notices, notice);
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < notices->len; i++)
    {
      Notice *notice = &g_array_index (notices, Notice, i);
      KouanStoredMessage message;

      /* the member and the enterprise's administrators (builtin role) */
      g_array_set_size (audience, 0);
      g_array_append_val (audience, notice->user_id);
      stmt = kouan_server_db_stmt (self,
        "SELECT DISTINCT g.user_id FROM grants g JOIN roles r ON r.id = g.role_id AND r.builtin = 1"
        " JOIN memberships m ON m.user_id = g.user_id AND m.enterprise_id = g.enterprise_id"
        " WHERE g.enterprise_id = ?1 AND m.status = 'active' AND g.user_id <> ?2"
        "   AND g.starts_on <= ?3 AND (g.ends_on IS NULL OR g.ends_on >= ?3)");
      sqlite3_bind_int64 (stmt, 1, notice->enterprise_id);
      sqlite3_bind_int64 (stmt, 2, notice->user_id);
      sqlite3_bind_text (stmt, 3, today, -1, SQLITE_TRANSIENT);
      while (kouan_server_db_row (self, stmt))
        {
          gint64 admin_id = sqlite3_column_int64 (stmt, 0);

          g_array_append_val (audience, admin_id);
        }
      sqlite3_reset (stmt);
      if (kouan_server_db_failed (self, &error))
        goto failed;

      message = (KouanStoredMessage) {
        .kind = (char *) "notice", .category = (char *) "权限管理",
        .title = notice->title, .body = notice->body, .actions = notice->actions,
        .created_at = g_get_real_time () / G_USEC_PER_SEC,
      };
      if (!self->storage->messages->message_post (self->storage, notice->enterprise_id, &message,
                                                  (const gint64 *) audience->data, audience->len,
                                                  NULL, &error))
        goto failed;

      stmt = kouan_server_db_stmt (self, "UPDATE grants SET notified_on = ?2 WHERE id = ?1");
      sqlite3_bind_int64 (stmt, 1, notice->grant_id);
      sqlite3_bind_text (stmt, 2, today, -1, SQLITE_TRANSIENT);
      if (!kouan_server_db_step_done (self, stmt, &error))
        goto failed;
      g_array_append_val (notified, notice->enterprise_id);
    }

  /* Grants that start today or ended yesterday change what their member
   * may see without any write: tell their clients. */
  stmt = kouan_server_db_stmt (self,
    "SELECT DISTINCT enterprise_id, user_id FROM grants"
    " WHERE starts_on = ?1 OR ends_on = date (?1, '-1 day')");
  sqlite3_bind_text (stmt, 1, today, -1, SQLITE_TRANSIENT);
  while (kouan_server_db_row (self, stmt))
    {
      gint64 pair[2] = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };

      g_array_append_vals (touched, pair, 1);
    }
  sqlite3_reset (stmt);
  for (guint i = 0; i < touched->len; i++)
    {
      gint64 *pair = &((gint64 *) (gpointer) touched->data)[i * 2];

      kouan_server_authz_touch_access (self, pair[0], pair[1]);
    }

  if (!kouan_server_db_commit (self, &error))
    goto failed;
  for (guint i = 0; self->sockets != NULL && i < notified->len; i++)
    kouan_server_events_notify (self, g_array_index (notified, gint64, i), 0);
  return;

failed:
  kouan_server_db_rollback (self);
  g_warning ("Cannot check grants: %s", error->message);
}

void
kouan_server_admin_install (KouanServer *self)
{
  kouan_server_routes_add (self, admin_routes, G_N_ELEMENTS (admin_routes));
  kouan_server_collections_add (self, &access_collection);
  kouan_server_people_install (self);

  /* A day's granularity: hourly checks catch the China-time midnight
   * within the hour whenever the server started. */
  kouan_server_admin_check_grants (self);
  if (self->admin_timer == 0)
    self->admin_timer = g_timeout_add_seconds (60 * 60, on_daily_check, self);
}

/* ---- shared with the people collections (kouan-server-admin-private.h) ---- */

gboolean
_kouan_server_admin_date_is_valid (const char *text)
{
  return date_is_valid (text);
}

gboolean
_kouan_server_admin_name_is_valid (const char *name)
{
  return name_is_valid (name);
}

gboolean
_kouan_server_admin_role_name_taken (KouanServer *self,
                                     gint64       enterprise_id,
                                     const char  *name,
                                     gint64       except_id)
{
  return role_name_taken (self, enterprise_id, name, except_id);
}

gboolean
_kouan_server_admin_update_role (KouanServer *self,
                                 gint64       enterprise_id,
                                 gint64       role_id,
                                 const char  *name,
                                 GPtrArray   *permissions,
                                 GError     **error)
{
  return update_role (self, enterprise_id, role_id, name, permissions, error);
}

void
_kouan_server_admin_touch_role_holders (KouanServer *self,
                                        gint64       enterprise_id,
                                        gint64       role_id)
{
  touch_role_holders (self, enterprise_id, role_id);
}

gboolean
_kouan_server_admin_is_descendant_or_self (KouanServer *self,
                                           gint64       enterprise_id,
                                           gint64       department_id,
                                           gint64       parent_id)
{
  return is_descendant_or_self (self, enterprise_id, department_id, parent_id);
}

gboolean
_kouan_server_admin_is_member_of (KouanServer *self,
                                  gint64       enterprise_id,
                                  gint64       user_id)
{
  return is_member_of (self, enterprise_id, user_id);
}
