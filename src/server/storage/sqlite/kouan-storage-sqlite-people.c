/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-storage-sqlite-private.h"

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
};
