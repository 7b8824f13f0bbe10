/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-storage-sqlite-private.h"

#define column_dup _kouan_storage_sqlite_column_dup

/* Area 6, admin people, on SQLite (schema: migration 5 of
 * kouan-server-db.c, changes by the triggers of its migration 10). The
 * access record's changes are written here: it is computed for its
 * member when the feed serves it. */

#define S(sql) _kouan_storage_sqlite_stmt (storage, sql)

/* @permissions as a JSON array of strings, for json_each */
static char *
permissions_json (const char * const *permissions)
{
  g_autoptr(GString) text = g_string_new ("[");

  for (guint i = 0; permissions != NULL && permissions[i] != NULL; i++)
    {
      g_string_append (text, i > 0 ? ",\"" : "\"");
      for (const char *c = permissions[i]; *c != '\0'; c++)
        {
          if (*c == '"' || *c == '\\')
            g_string_append_c (text, '\\');
          g_string_append_c (text, *c);
        }
      g_string_append_c (text, '"');
    }
  g_string_append_c (text, ']');
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
member_active (KouanStorage *storage, gint64 user_id, gint64 enterprise_id,
               gboolean *out_active, GError **error)
{
  sqlite3_stmt *s = S (
    "SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id"
    " WHERE m.user_id = ?1 AND m.enterprise_id = ?2 AND m.status = 'active' AND u.active = 1");

  sqlite3_bind_int64 (s, 1, user_id);
  sqlite3_bind_int64 (s, 2, enterprise_id);
  if (!_kouan_storage_sqlite_step_row (storage, s, out_active, error, "Reading a membership"))
    return FALSE;
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
grant_allows (KouanStorage *storage, gint64 user_id, gint64 enterprise_id,
              const char *today, const char * const *permissions,
              gboolean *out_allowed, GError **error)
{
  g_autofree char *satisfying = permissions_json (permissions);
  sqlite3_stmt *s = S (
    "SELECT 1 FROM grants g JOIN roles r ON r.id = g.role_id"
    " WHERE g.user_id = ?1 AND g.enterprise_id = ?2"
    "   AND g.starts_on <= ?3 AND (g.ends_on IS NULL OR g.ends_on >= ?3)"
    "   AND (r.builtin = 1 OR EXISTS (SELECT 1 FROM role_permissions p, json_each (?4) j"
    "                                 WHERE p.role_id = r.id AND p.permission = j.value))"
    " LIMIT 1");

  sqlite3_bind_int64 (s, 1, user_id);
  sqlite3_bind_int64 (s, 2, enterprise_id);
  sqlite3_bind_text (s, 3, today, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 4, satisfying, -1, SQLITE_TRANSIENT);
  if (!_kouan_storage_sqlite_step_row (storage, s, out_allowed, error, "Checking a permission"))
    return FALSE;
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
grant_permissions (KouanStorage *storage, gint64 user_id, gint64 enterprise_id,
                   const char *today, gboolean *out_builtin, GPtrArray *out,
                   GError **error)
{
  sqlite3_stmt *s = S (
    "SELECT r.builtin, p.permission FROM grants g JOIN roles r ON r.id = g.role_id"
    " LEFT JOIN role_permissions p ON p.role_id = r.id"
    " WHERE g.user_id = ?1 AND g.enterprise_id = ?2"
    "   AND g.starts_on <= ?3 AND (g.ends_on IS NULL OR g.ends_on >= ?3)");
  int rc;

  *out_builtin = FALSE;
  sqlite3_bind_int64 (s, 1, user_id);
  sqlite3_bind_int64 (s, 2, enterprise_id);
  sqlite3_bind_text (s, 3, today, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      if (sqlite3_column_int (s, 0))
        *out_builtin = TRUE;
      if (sqlite3_column_type (s, 1) != SQLITE_NULL)
        g_ptr_array_add (out, g_strdup ((const char *) sqlite3_column_text (s, 1)));
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return _kouan_storage_sqlite_fail (storage, error, "Reading permissions");
  return TRUE;
}

static gboolean
grant_roles (KouanStorage *storage, gint64 user_id, gint64 enterprise_id,
             const char *today, GPtrArray *out, GError **error)
{
  sqlite3_stmt *s = S (
    "SELECT DISTINCT CASE WHEN r.builtin THEN 'admin' ELSE r.name END, r.builtin"
    " FROM grants g JOIN roles r ON r.id = g.role_id"
    " WHERE g.user_id = ?1 AND g.enterprise_id = ?2"
    "   AND g.starts_on <= ?3 AND (g.ends_on IS NULL OR g.ends_on >= ?3)"
    " ORDER BY r.builtin DESC, r.name");
  int rc;

  sqlite3_bind_int64 (s, 1, user_id);
  sqlite3_bind_int64 (s, 2, enterprise_id);
  sqlite3_bind_text (s, 3, today, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    g_ptr_array_add (out, g_strdup ((const char *) sqlite3_column_text (s, 0)));
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return _kouan_storage_sqlite_fail (storage, error, "Reading roles");
  return TRUE;
}

static gboolean
admins_count (KouanStorage *storage, gint64 enterprise_id, const char *today,
              gint64 *out_count, GError **error)
{
  sqlite3_stmt *s = S (
    "SELECT count (DISTINCT g.user_id) FROM grants g"
    " JOIN roles r ON r.id = g.role_id AND r.builtin = 1"
    " JOIN memberships m ON m.user_id = g.user_id AND m.enterprise_id = g.enterprise_id"
    " JOIN users u ON u.id = g.user_id"
    " WHERE g.enterprise_id = ?1 AND m.status = 'active' AND u.active = 1"
    "   AND g.starts_on <= ?2 AND (g.ends_on IS NULL OR g.ends_on >= ?2)");
  gboolean row;

  *out_count = 0;
  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_text (s, 2, today, -1, SQLITE_TRANSIENT);
  if (!_kouan_storage_sqlite_step_row (storage, s, &row, error, "Counting administrators"))
    return FALSE;
  if (row)
    *out_count = sqlite3_column_int64 (s, 0);
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
access_touch (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
              GError **error)
{
  sqlite3_stmt *del = S (
    "DELETE FROM changes WHERE enterprise_id = ?1 AND collection = 'access'"
    " AND (?2 = 0 OR record_id = ?2)");
  sqlite3_stmt *ins = S (
    "INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
    " SELECT enterprise_id, user_id, 'access', user_id FROM memberships"
    " WHERE enterprise_id = ?1 AND (?2 = 0 OR user_id = ?2)");

  sqlite3_bind_int64 (del, 1, enterprise_id);
  sqlite3_bind_int64 (del, 2, user_id);
  sqlite3_bind_int64 (ins, 1, enterprise_id);
  sqlite3_bind_int64 (ins, 2, user_id);
  return _kouan_storage_sqlite_done (storage, del, error, "Marking access as changed") &&
         _kouan_storage_sqlite_done (storage, ins, error, "Marking access as changed");
}

static gboolean
changes_reissue (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
                 const char *collection, GError **error)
{
  sqlite3_stmt *s = S (
    "INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
    " SELECT DISTINCT ?1, ?2, ?3, record_id FROM changes"
    " WHERE enterprise_id = ?1 AND collection = ?3 AND user_id IS NULL");

  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, user_id);
  sqlite3_bind_text (s, 3, collection, -1, SQLITE_TRANSIENT);
  return _kouan_storage_sqlite_done (storage, s, error, "Reissuing a collection");
}

static gboolean
member_add (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
            const char *registered_on, GError **error)
{
  sqlite3_stmt *s = S (
    "INSERT INTO memberships (user_id, enterprise_id, registered_on) VALUES (?1, ?2, ?3)");

  sqlite3_bind_int64 (s, 1, user_id);
  sqlite3_bind_int64 (s, 2, enterprise_id);
  sqlite3_bind_text (s, 3, registered_on, -1, SQLITE_TRANSIENT);
  return _kouan_storage_sqlite_done (storage, s, error, "Adding a member");
}

static gboolean
role_builtin (KouanStorage *storage, gint64 enterprise_id, gint64 *out_id,
              GError **error)
{
  sqlite3_stmt *s = S ("SELECT id FROM roles WHERE enterprise_id = ?1 AND builtin = 1");
  gboolean row;

  *out_id = 0;
  sqlite3_bind_int64 (s, 1, enterprise_id);
  if (!_kouan_storage_sqlite_step_row (storage, s, &row, error, "Reading the built-in role"))
    return FALSE;
  if (row)
    *out_id = sqlite3_column_int64 (s, 0);
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
role_create (KouanStorage *storage, gint64 enterprise_id, const char *name,
             const char * const *permissions, gint64 now, gint64 *out_id,
             GError **error)
{
  sqlite3_stmt *s = S (
    "INSERT INTO roles (enterprise_id, name, builtin, created_at) VALUES (?1, ?2, 0, ?3)");
  gint64 id;

  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_text (s, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (s, 3, now);
  if (!_kouan_storage_sqlite_done (storage, s, error, "Creating a role"))
    return FALSE;
  id = sqlite3_last_insert_rowid (_kouan_storage_sqlite_db (storage));
  for (guint i = 0; permissions != NULL && permissions[i] != NULL; i++)
    {
      s = S ("INSERT OR IGNORE INTO role_permissions (role_id, permission) VALUES (?1, ?2)");
      sqlite3_bind_int64 (s, 1, id);
      sqlite3_bind_text (s, 2, permissions[i], -1, SQLITE_TRANSIENT);
      if (!_kouan_storage_sqlite_done (storage, s, error, "Creating a role"))
        return FALSE;
    }
  if (out_id != NULL)
    *out_id = id;
  return TRUE;
}

static gboolean
grant_create (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
              gint64 role_id, const char *starts_on, const char *ends_on,
              gint64 now, gint64 *out_id, GError **error)
{
  sqlite3_stmt *s = S (
    "INSERT INTO grants (enterprise_id, user_id, role_id, starts_on, ends_on, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");

  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, user_id);
  sqlite3_bind_int64 (s, 3, role_id);
  sqlite3_bind_text (s, 4, starts_on, -1, SQLITE_TRANSIENT);
  if (ends_on != NULL)
    sqlite3_bind_text (s, 5, ends_on, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (s, 6, now);
  if (!_kouan_storage_sqlite_done (storage, s, error, "Granting a role"))
    return FALSE;
  if (out_id != NULL)
    *out_id = sqlite3_last_insert_rowid (_kouan_storage_sqlite_db (storage));
  return TRUE;
}

/* Appends the first column of every row of @s (bound) to @out (gint64) */
static gboolean
ids_into (KouanStorage *storage, sqlite3_stmt *s, GArray *out, GError **error,
          const char *what)
{
  int rc;

  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (s, 0);

      g_array_append_val (out, id);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return _kouan_storage_sqlite_fail (storage, error, what);
  return TRUE;
}

static gboolean
user_enterprises (KouanStorage *storage, gint64 user_id, gboolean active_only, GArray *out,
                  GError **error)
{
  sqlite3_stmt *s = S ("SELECT enterprise_id FROM memberships WHERE user_id = ?1"
                       " AND (NOT ?2 OR status = 'active') ORDER BY enterprise_id");

  sqlite3_bind_int64 (s, 1, user_id);
  sqlite3_bind_int (s, 2, active_only);
  return ids_into (storage, s, out, error, "Reading memberships");
}

static gboolean
member_status (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
               char **out_status, GError **error)
{
  sqlite3_stmt *s = S ("SELECT status FROM memberships WHERE enterprise_id = ?1 AND user_id = ?2");
  gboolean row;

  *out_status = NULL;
  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, user_id);
  if (!_kouan_storage_sqlite_step_row (storage, s, &row, error, "Reading a membership"))
    return FALSE;
  if (row)
    *out_status = column_dup (s, 0);
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
exec (KouanStorage *storage, const char *sql, GError **error, const char *what)
{
  if (sqlite3_exec (_kouan_storage_sqlite_db (storage), sql, NULL, NULL, NULL) != SQLITE_OK)
    return _kouan_storage_sqlite_fail (storage, error, what);
  return TRUE;
}

static gboolean
savepoint (KouanStorage *storage, GError **error)
{
  return exec (storage, "SAVEPOINT people_mutation", error, "Beginning a mutation");
}

static gboolean
savepoint_release (KouanStorage *storage, GError **error)
{
  return exec (storage, "RELEASE people_mutation", error, "Ending a mutation");
}

static void
savepoint_rollback (KouanStorage *storage)
{
  sqlite3_exec (_kouan_storage_sqlite_db (storage),
                "ROLLBACK TO people_mutation; RELEASE people_mutation", NULL, NULL, NULL);
}

static gboolean
roles_list (KouanStorage *storage, gint64 enterprise_id, GArray *out, GError **error)
{
  sqlite3_stmt *s = S ("SELECT id FROM roles WHERE enterprise_id = ?1 ORDER BY builtin DESC, name");

  sqlite3_bind_int64 (s, 1, enterprise_id);
  return ids_into (storage, s, out, error, "Listing roles");
}

static gboolean
role_get (KouanStorage *storage, gint64 enterprise_id, gint64 role_id, const char *today,
          KouanStoredRole *out, GError **error)
{
  sqlite3_stmt *s = S (
    "SELECT r.name, r.builtin, r.created_at,"
    "  (SELECT count (DISTINCT g.user_id) FROM grants g WHERE g.role_id = r.id"
    "     AND g.starts_on <= ?3 AND (g.ends_on IS NULL OR g.ends_on >= ?3)),"
    "  (SELECT count (DISTINCT g.user_id) FROM grants g WHERE g.role_id = r.id)"
    " FROM roles r WHERE r.id = ?2 AND r.enterprise_id = ?1");
  gboolean row;
  int rc;

  memset (out, 0, sizeof *out);
  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, role_id);
  sqlite3_bind_text (s, 3, today, -1, SQLITE_TRANSIENT);
  if (!_kouan_storage_sqlite_step_row (storage, s, &row, error, "Reading a role"))
    return FALSE;
  if (!row)
    {
      sqlite3_reset (s);
      return TRUE;
    }
  out->id = role_id;
  out->name = column_dup (s, 0);
  out->builtin = sqlite3_column_int (s, 1) != 0;
  out->created_at = sqlite3_column_int64 (s, 2);
  out->member_count = sqlite3_column_int64 (s, 3);
  out->granted_count = sqlite3_column_int64 (s, 4);
  sqlite3_reset (s);

  out->permissions = g_ptr_array_new_with_free_func (g_free);
  if (out->builtin)
    return TRUE;
  s = S ("SELECT permission FROM role_permissions WHERE role_id = ?1 ORDER BY permission");
  sqlite3_bind_int64 (s, 1, role_id);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    g_ptr_array_add (out->permissions, column_dup (s, 0));
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    {
      kouan_stored_role_clear (out);
      out->id = 0;
      return _kouan_storage_sqlite_fail (storage, error, "Reading a role");
    }
  return TRUE;
}

static gboolean
role_name_taken (KouanStorage *storage, gint64 enterprise_id, const char *name,
                 gint64 except_id, gboolean *out_taken, GError **error)
{
  sqlite3_stmt *s = S ("SELECT 1 FROM roles WHERE enterprise_id = ?1 AND name = ?2 AND id <> ?3");

  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_text (s, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (s, 3, except_id);
  if (!_kouan_storage_sqlite_step_row (storage, s, out_taken, error, "Reading roles"))
    return FALSE;
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
store_permissions (KouanStorage *storage, gint64 role_id, const char * const *permissions,
                   GError **error)
{
  sqlite3_stmt *s = S ("DELETE FROM role_permissions WHERE role_id = ?1");

  sqlite3_bind_int64 (s, 1, role_id);
  if (!_kouan_storage_sqlite_done (storage, s, error, "Storing permissions"))
    return FALSE;
  for (guint i = 0; permissions[i] != NULL; i++)
    {
      s = S ("INSERT OR IGNORE INTO role_permissions (role_id, permission) VALUES (?1, ?2)");
      sqlite3_bind_int64 (s, 1, role_id);
      sqlite3_bind_text (s, 2, permissions[i], -1, SQLITE_TRANSIENT);
      if (!_kouan_storage_sqlite_done (storage, s, error, "Storing permissions"))
        return FALSE;
    }
  return TRUE;
}

static gboolean
role_update (KouanStorage *storage, gint64 enterprise_id, gint64 role_id, const char *name,
             const char * const *permissions, GError **error)
{
  if (name != NULL)
    {
      sqlite3_stmt *s = S ("UPDATE roles SET name = ?2 WHERE id = ?1 AND enterprise_id = ?3");

      sqlite3_bind_int64 (s, 1, role_id);
      sqlite3_bind_text (s, 2, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (s, 3, enterprise_id);
      if (!_kouan_storage_sqlite_done (storage, s, error, "Renaming a role"))
        return FALSE;
    }
  return permissions == NULL || store_permissions (storage, role_id, permissions, error);
}

static gboolean
role_delete (KouanStorage *storage, gint64 enterprise_id, gint64 role_id, gint64 *out_removed,
             GError **error)
{
  sqlite3_stmt *s = S ("DELETE FROM grants WHERE role_id = ?1 AND enterprise_id = ?2");

  sqlite3_bind_int64 (s, 1, role_id);
  sqlite3_bind_int64 (s, 2, enterprise_id);
  if (!_kouan_storage_sqlite_done (storage, s, error, "Deleting a role"))
    return FALSE;
  if (out_removed != NULL)
    *out_removed = sqlite3_changes (_kouan_storage_sqlite_db (storage));
  s = S ("DELETE FROM roles WHERE id = ?1 AND enterprise_id = ?2");
  sqlite3_bind_int64 (s, 1, role_id);
  sqlite3_bind_int64 (s, 2, enterprise_id);
  return _kouan_storage_sqlite_done (storage, s, error, "Deleting a role");
}

static gboolean
role_holders (KouanStorage *storage, gint64 enterprise_id, gint64 role_id, GArray *out,
              GError **error)
{
  sqlite3_stmt *s = S ("SELECT DISTINCT user_id FROM grants WHERE role_id = ?1 AND enterprise_id = ?2");

  sqlite3_bind_int64 (s, 1, role_id);
  sqlite3_bind_int64 (s, 2, enterprise_id);
  return ids_into (storage, s, out, error, "Reading a role's holders");
}

static gboolean
departments_list (KouanStorage *storage, gint64 enterprise_id, GArray *out, GError **error)
{
  sqlite3_stmt *s = S ("SELECT id FROM departments WHERE enterprise_id = ?1"
                       " ORDER BY parent_id IS NOT NULL, parent_id, name");

  sqlite3_bind_int64 (s, 1, enterprise_id);
  return ids_into (storage, s, out, error, "Listing departments");
}

static gboolean
department_get (KouanStorage *storage, gint64 enterprise_id, gint64 department_id,
                KouanStoredDepartment *out, GError **error)
{
  sqlite3_stmt *s = S (
    "SELECT d.parent_id, d.name, d.head_user_id, u.name,"
    "  (SELECT count (*) FROM memberships m WHERE m.department_id = d.id)"
    " FROM departments d LEFT JOIN users u ON u.id = d.head_user_id"
    " WHERE d.id = ?2 AND d.enterprise_id = ?1");
  gboolean row;

  memset (out, 0, sizeof *out);
  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, department_id);
  if (!_kouan_storage_sqlite_step_row (storage, s, &row, error, "Reading a department"))
    return FALSE;
  if (row)
    {
      out->id = department_id;
      out->parent_id = sqlite3_column_int64 (s, 0);
      out->name = column_dup (s, 1);
      out->head_user_id = sqlite3_column_int64 (s, 2);
      out->head_name = column_dup (s, 3);
      out->member_count = sqlite3_column_int64 (s, 4);
    }
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
department_under (KouanStorage *storage, gint64 enterprise_id, gint64 department_id,
                  gint64 candidate, gboolean *out_under, GError **error)
{
  sqlite3_stmt *s = S (
    "WITH RECURSIVE below (id) AS (SELECT ?1 UNION SELECT d.id FROM departments d"
    "   JOIN below ON d.parent_id = below.id)"
    " SELECT 1 FROM below WHERE id = ?2");

  sqlite3_bind_int64 (s, 1, department_id);
  sqlite3_bind_int64 (s, 2, candidate);
  if (!_kouan_storage_sqlite_step_row (storage, s, out_under, error, "Reading departments"))
    return FALSE;
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
department_has_children (KouanStorage *storage, gint64 enterprise_id, gint64 department_id,
                         gboolean *out_has, GError **error)
{
  sqlite3_stmt *s = S ("SELECT 1 FROM departments WHERE parent_id = ?1");

  sqlite3_bind_int64 (s, 1, department_id);
  if (!_kouan_storage_sqlite_step_row (storage, s, out_has, error, "Reading departments"))
    return FALSE;
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
department_create (KouanStorage *storage, gint64 enterprise_id, gint64 parent_id,
                   const char *name, gint64 head_user_id, gint64 *out_id, GError **error)
{
  sqlite3_stmt *s = S (
    "INSERT INTO departments (enterprise_id, parent_id, name, head_user_id)"
    " VALUES (?1, NULLIF (?2, 0), ?3, NULLIF (?4, 0))");

  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, parent_id);
  sqlite3_bind_text (s, 3, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (s, 4, head_user_id);
  if (!_kouan_storage_sqlite_done (storage, s, error, "Creating a department"))
    return FALSE;
  if (out_id != NULL)
    *out_id = sqlite3_last_insert_rowid (_kouan_storage_sqlite_db (storage));
  return TRUE;
}

static gboolean
department_update (KouanStorage *storage, gint64 enterprise_id, gint64 department_id,
                   const char *name, gboolean set_parent, gint64 parent_id,
                   gboolean set_head, gint64 head_user_id, GError **error)
{
  sqlite3_stmt *s = S (
    "UPDATE departments SET name = COALESCE (?2, name),"
    "  parent_id = CASE WHEN ?3 THEN NULLIF (?4, 0) ELSE parent_id END,"
    "  head_user_id = CASE WHEN ?5 THEN NULLIF (?6, 0) ELSE head_user_id END"
    " WHERE id = ?1 AND enterprise_id = ?7");

  sqlite3_bind_int64 (s, 1, department_id);
  if (name != NULL)
    sqlite3_bind_text (s, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (s, 3, set_parent);
  sqlite3_bind_int64 (s, 4, parent_id);
  sqlite3_bind_int (s, 5, set_head);
  sqlite3_bind_int64 (s, 6, head_user_id);
  sqlite3_bind_int64 (s, 7, enterprise_id);
  return _kouan_storage_sqlite_done (storage, s, error, "Updating a department");
}

static gboolean
department_delete (KouanStorage *storage, gint64 enterprise_id, gint64 department_id,
                   GError **error)
{
  sqlite3_stmt *s = S ("DELETE FROM departments WHERE id = ?1 AND enterprise_id = ?2");

  sqlite3_bind_int64 (s, 1, department_id);
  sqlite3_bind_int64 (s, 2, enterprise_id);
  return _kouan_storage_sqlite_done (storage, s, error, "Deleting a department");
}

static gboolean
join_requests_pending (KouanStorage *storage, gint64 enterprise_id, GArray *out, GError **error)
{
  sqlite3_stmt *s = S (
    "SELECT j.id, j.user_id, u.account, u.name, j.created_at"
    " FROM join_requests j JOIN users u ON u.id = j.user_id"
    " WHERE j.enterprise_id = ?1 AND j.status = 'pending' ORDER BY j.created_at, j.id");
  int rc;

  sqlite3_bind_int64 (s, 1, enterprise_id);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      KouanStoredPendingJoin request = {
        .id = sqlite3_column_int64 (s, 0),
        .user_id = sqlite3_column_int64 (s, 1),
        .account = column_dup (s, 2),
        .name = column_dup (s, 3),
        .created_at = sqlite3_column_int64 (s, 4),
      };

      g_array_append_val (out, request);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return _kouan_storage_sqlite_fail (storage, error, "Listing join requests");
  return TRUE;
}

static gboolean
join_request_decide (KouanStorage *storage, gint64 enterprise_id, gint64 request_id,
                     gboolean approve, gint64 now, gint64 decided_by,
                     const char *registered_on, gint64 *out_user_id, GError **error)
{
  sqlite3_stmt *s = S (
    "SELECT user_id FROM join_requests WHERE id = ?1 AND enterprise_id = ?2 AND status = 'pending'");
  gboolean row;
  gint64 user_id;

  *out_user_id = 0;
  sqlite3_bind_int64 (s, 1, request_id);
  sqlite3_bind_int64 (s, 2, enterprise_id);
  if (!_kouan_storage_sqlite_step_row (storage, s, &row, error, "Reading a join request"))
    return FALSE;
  user_id = row ? sqlite3_column_int64 (s, 0) : 0;
  sqlite3_reset (s);
  if (user_id == 0)
    return TRUE;

  s = S ("UPDATE join_requests SET status = ?2, decided_at = ?3, decided_by = ?4 WHERE id = ?1");
  sqlite3_bind_int64 (s, 1, request_id);
  sqlite3_bind_text (s, 2, approve ? "approved" : "rejected", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 3, now);
  sqlite3_bind_int64 (s, 4, decided_by);
  if (!_kouan_storage_sqlite_done (storage, s, error, "Deciding a join request"))
    return FALSE;
  if (approve)
    {
      s = S ("INSERT OR IGNORE INTO memberships (user_id, enterprise_id, registered_on)"
             " VALUES (?1, ?2, ?3)");
      sqlite3_bind_int64 (s, 1, user_id);
      sqlite3_bind_int64 (s, 2, enterprise_id);
      sqlite3_bind_text (s, 3, registered_on, -1, SQLITE_TRANSIENT);
      if (!_kouan_storage_sqlite_done (storage, s, error, "Deciding a join request"))
        return FALSE;
    }
  *out_user_id = user_id;
  return TRUE;
}

#define GRANT_COLUMNS \
  "g.id, g.user_id, u.name, g.role_id, r.name, r.builtin, g.starts_on, g.ends_on" \
  " FROM grants g JOIN roles r ON r.id = g.role_id JOIN users u ON u.id = g.user_id"

static void
read_grant (sqlite3_stmt *s, KouanStoredGrant *out)
{
  out->id = sqlite3_column_int64 (s, 0);
  out->user_id = sqlite3_column_int64 (s, 1);
  out->member = column_dup (s, 2);
  out->role_id = sqlite3_column_int64 (s, 3);
  out->role = column_dup (s, 4);
  out->builtin = sqlite3_column_int (s, 5) != 0;
  out->starts_on = column_dup (s, 6);
  out->ends_on = column_dup (s, 7);
}

static gboolean
member_grants (KouanStorage *storage, gint64 enterprise_id, gint64 user_id, GArray *out,
               GError **error)
{
  sqlite3_stmt *s = S ("SELECT " GRANT_COLUMNS
                       " WHERE g.enterprise_id = ?1 AND g.user_id = ?2"
                       " ORDER BY r.builtin DESC, r.name, g.starts_on, g.id");
  int rc;

  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, user_id);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      KouanStoredGrant grant = { 0 };

      read_grant (s, &grant);
      g_array_append_val (out, grant);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return _kouan_storage_sqlite_fail (storage, error, "Reading grants");
  return TRUE;
}

static gboolean
grant_get (KouanStorage *storage, gint64 enterprise_id, gint64 grant_id,
           KouanStoredGrant *out, GError **error)
{
  sqlite3_stmt *s = S ("SELECT " GRANT_COLUMNS " WHERE g.enterprise_id = ?1 AND g.id = ?2");
  gboolean row;

  memset (out, 0, sizeof *out);
  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, grant_id);
  if (!_kouan_storage_sqlite_step_row (storage, s, &row, error, "Reading a grant"))
    return FALSE;
  if (row)
    read_grant (s, out);
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
grant_set_period (KouanStorage *storage, gint64 enterprise_id, gint64 grant_id,
                  const char *starts_on, const char *ends_on, GError **error)
{
  sqlite3_stmt *s = S ("UPDATE grants SET starts_on = ?2, ends_on = ?3"
                       " WHERE id = ?1 AND enterprise_id = ?4");

  sqlite3_bind_int64 (s, 1, grant_id);
  sqlite3_bind_text (s, 2, starts_on, -1, SQLITE_TRANSIENT);
  if (ends_on != NULL)
    sqlite3_bind_text (s, 3, ends_on, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (s, 4, enterprise_id);
  return _kouan_storage_sqlite_done (storage, s, error, "Changing a grant");
}

static gboolean
grant_delete (KouanStorage *storage, gint64 enterprise_id, gint64 grant_id, GError **error)
{
  sqlite3_stmt *s = S ("DELETE FROM grants WHERE id = ?1 AND enterprise_id = ?2");

  sqlite3_bind_int64 (s, 1, grant_id);
  sqlite3_bind_int64 (s, 2, enterprise_id);
  return _kouan_storage_sqlite_done (storage, s, error, "Removing a grant");
}

const KouanStoragePeople _kouan_storage_sqlite_people = {
  .member_active = member_active,
  .grant_allows = grant_allows,
  .grant_permissions = grant_permissions,
  .grant_roles = grant_roles,
  .admins_count = admins_count,
  .access_touch = access_touch,
  .changes_reissue = changes_reissue,
  .member_add = member_add,
  .role_builtin = role_builtin,
  .role_create = role_create,
  .grant_create = grant_create,
  .user_enterprises = user_enterprises,
  .member_status = member_status,
  .savepoint = savepoint,
  .savepoint_release = savepoint_release,
  .savepoint_rollback = savepoint_rollback,
  .roles_list = roles_list,
  .role_get = role_get,
  .role_name_taken = role_name_taken,
  .role_update = role_update,
  .role_delete = role_delete,
  .role_holders = role_holders,
  .departments_list = departments_list,
  .department_get = department_get,
  .department_under = department_under,
  .department_has_children = department_has_children,
  .department_create = department_create,
  .department_update = department_update,
  .department_delete = department_delete,
  .member_grants = member_grants,
  .grant_get = grant_get,
  .grant_set_period = grant_set_period,
  .grant_delete = grant_delete,
  .join_requests_pending = join_requests_pending,
  .join_request_decide = join_request_decide,
};
