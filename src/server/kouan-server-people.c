/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-json.h"
#include "kouan-server.h"

/* The admin center's people pages as synced collections: "members" (with
 * their grants), "roles", "departments" and "audit" (docs/api.md, "The
 * people collections"). Records carry facts only, never a status judged
 * on a day: the client judges grants with core's rule on its own today,
 * so a record need not change when a day passes. Each collection is sent
 * only to members holding its view permission (the feed checks it); the
 * change rows come from the triggers of database migration 9. */

/* ---- members ---- */

static JsonArray *
member_grants (KouanServer *self,
               gint64       enterprise_id,
               gint64       user_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT g.id, g.role_id, r.name, r.builtin, g.starts_on, g.ends_on"
    " FROM grants g JOIN roles r ON r.id = g.role_id"
    " WHERE g.enterprise_id = ?1 AND g.user_id = ?2"
    " ORDER BY r.builtin DESC, r.name, g.starts_on, g.id");
  JsonArray *grants = json_array_new ();

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, user_id);
  while (kouan_server_db_row (self, stmt))
    {
      JsonObject *grant = json_object_new ();

      json_object_set_int_member (grant, "id", sqlite3_column_int64 (stmt, 0));
      json_object_set_int_member (grant, "role_id", sqlite3_column_int64 (stmt, 1));
      json_object_set_string_member (grant, "role", kouan_server_db_column_text (stmt, 2));
      json_object_set_boolean_member (grant, "builtin", sqlite3_column_int (stmt, 3) != 0);
      json_object_set_string_member (grant, "starts_on", kouan_server_db_column_text (stmt, 4));
      kouan_server_db_set_text_or_null (grant, "ends_on", stmt, 5);
      json_array_add_object_element (grants, grant);
    }
  sqlite3_reset (stmt);
  return grants;
}

static JsonObject *
members_materialise (KouanServer *self,
                     gint64       enterprise_id,
                     gint64       record_id,
                     gint64       user_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT u.account, u.name, m.department_id, d.name, m.status, m.registered_on"
    " FROM memberships m JOIN users u ON u.id = m.user_id"
    " LEFT JOIN departments d ON d.id = m.department_id"
    " WHERE m.enterprise_id = ?1 AND m.user_id = ?2");
  JsonObject *member = NULL;

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, record_id);
  if (kouan_server_db_row (self, stmt))
    {
      member = json_object_new ();
      json_object_set_int_member (member, "id", record_id);
      json_object_set_string_member (member, "account", kouan_server_db_column_text (stmt, 0));
      json_object_set_string_member (member, "name", kouan_server_db_column_text (stmt, 1));
      kouan_server_db_set_int_or_null (member, "department_id", stmt, 2);
      kouan_server_db_set_text_or_null (member, "department", stmt, 3);
      json_object_set_string_member (member, "membership", kouan_server_db_column_text (stmt, 4));
      kouan_server_db_set_text_or_null (member, "registered_on", stmt, 5);
    }
  sqlite3_reset (stmt);
  if (member != NULL)
    json_object_set_array_member (member, "grants", member_grants (self, enterprise_id, record_id));
  return member;
}

/* ---- roles ---- */

static JsonObject *
roles_materialise (KouanServer *self,
                   gint64       enterprise_id,
                   gint64       record_id,
                   gint64       user_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT name, builtin, created_at FROM roles WHERE enterprise_id = ?1 AND id = ?2");
  JsonObject *role = NULL;
  gboolean builtin = FALSE;

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, record_id);
  if (kouan_server_db_row (self, stmt))
    {
      role = json_object_new ();
      builtin = sqlite3_column_int (stmt, 1) != 0;
      json_object_set_int_member (role, "id", record_id);
      json_object_set_string_member (role, "name", kouan_server_db_column_text (stmt, 0));
      json_object_set_boolean_member (role, "builtin", builtin);
      json_object_set_int_member (role, "created_at", sqlite3_column_int64 (stmt, 2));
    }
  sqlite3_reset (stmt);
  if (role == NULL)
    return NULL;

  /* the built-in role holds every permission without listing them; the
   * client knows the menus (kouan-permissions.h) */
  {
    JsonArray *permissions = json_array_new ();

    stmt = kouan_server_db_stmt (self,
      "SELECT permission FROM role_permissions WHERE role_id = ?1 ORDER BY permission");
    sqlite3_bind_int64 (stmt, 1, record_id);
    while (!builtin && kouan_server_db_row (self, stmt))
      json_array_add_string_element (permissions, kouan_server_db_column_text (stmt, 0));
    sqlite3_reset (stmt);
    json_object_set_array_member (role, "permissions", permissions);
  }
  return role;
}

/* ---- departments ---- */

static JsonObject *
departments_materialise (KouanServer *self,
                         gint64       enterprise_id,
                         gint64       record_id,
                         gint64       user_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT d.parent_id, d.name, d.head_user_id, u.name,"
    "  (SELECT count (*) FROM memberships m WHERE m.department_id = d.id)"
    " FROM departments d LEFT JOIN users u ON u.id = d.head_user_id"
    " WHERE d.enterprise_id = ?1 AND d.id = ?2");
  JsonObject *department = NULL;

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, record_id);
  if (kouan_server_db_row (self, stmt))
    {
      department = json_object_new ();
      json_object_set_int_member (department, "id", record_id);
      kouan_server_db_set_int_or_null (department, "parent_id", stmt, 0);
      json_object_set_string_member (department, "name", kouan_server_db_column_text (stmt, 1));
      kouan_server_db_set_int_or_null (department, "head_user_id", stmt, 2);
      kouan_server_db_set_text_or_null (department, "head_name", stmt, 3);
      json_object_set_int_member (department, "member_count", sqlite3_column_int64 (stmt, 4));
    }
  sqlite3_reset (stmt);
  return department;
}

/* ---- audit ---- */

static JsonNode *
parse_or_null (const char *text)
{
  g_autoptr(JsonObject) object = NULL;
  JsonNode *node;

  if (text != NULL)
    object = kouan_json_parse_object (text, -1, NULL);
  if (object == NULL)
    return json_node_new (JSON_NODE_NULL);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, object);
  return node;
}

static JsonObject *
audit_materialise (KouanServer *self,
                   gint64       enterprise_id,
                   gint64       record_id,
                   gint64       user_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT a.user_id, u.account, u.name, a.action, a.before_json, a.after_json, a.created_at"
    " FROM audit_log a LEFT JOIN users u ON u.id = a.user_id"
    " WHERE a.enterprise_id = ?1 AND a.id = ?2");
  JsonObject *entry = NULL;

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, record_id);
  if (kouan_server_db_row (self, stmt))
    {
      entry = json_object_new ();
      json_object_set_int_member (entry, "id", record_id);
      kouan_server_db_set_int_or_null (entry, "actor_id", stmt, 0);
      kouan_server_db_set_text_or_null (entry, "actor_account", stmt, 1);
      kouan_server_db_set_text_or_null (entry, "actor_name", stmt, 2);
      json_object_set_string_member (entry, "action", kouan_server_db_column_text (stmt, 3));
      json_object_set_member (entry, "before", parse_or_null ((const char *) sqlite3_column_text (stmt, 4)));
      json_object_set_member (entry, "after", parse_or_null ((const char *) sqlite3_column_text (stmt, 5)));
      json_object_set_int_member (entry, "at", sqlite3_column_int64 (stmt, 6));
    }
  sqlite3_reset (stmt);
  return entry;
}

/* Read-only for now: the pages still change them through their routes
 * (docs/api.md, "Administrator center: people"), whose writes the
 * triggers turn into changes. */
static const KouanServerCollection members_collection = {
  .name = "members",
  .view_permission = "admin.staff:view",
  .materialise = members_materialise,
};

static const KouanServerCollection roles_collection = {
  .name = "roles",
  .view_permission = "admin.roles:view",
  .materialise = roles_materialise,
};

static const KouanServerCollection departments_collection = {
  .name = "departments",
  .view_permission = "admin.departments:view",
  .materialise = departments_materialise,
};

static const KouanServerCollection audit_collection = {
  .name = "audit",
  .view_permission = "admin.audit:view",
  .materialise = audit_materialise,
};

void
kouan_server_people_install (KouanServer *self)
{
  kouan_server_collections_add (self, &members_collection);
  kouan_server_collections_add (self, &roles_collection);
  kouan_server_collections_add (self, &departments_collection);
  kouan_server_collections_add (self, &audit_collection);
}
