/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-permissions.h"
#include "kouan-server.h"

/* Until roles with menu permissions exist (admin-people issue), the rule
 * is the portal's default: the administrator center belongs to members
 * with the "admin" role; every other menu is open to every member. */
gboolean
kouan_server_authz_allows (KouanServer *self,
                           gint64       user_id,
                           gint64       enterprise_id,
                           const char  *permission)
{
  g_autofree char *menu = NULL;
  sqlite3_stmt *stmt;
  gboolean is_admin = FALSE;

  if (!kouan_permission_parse (permission, &menu, NULL))
    {
      g_critical ("Route asks for unknown permission %s", permission);
      return FALSE;
    }

  if (!g_str_has_prefix (menu, "admin"))
    return TRUE;

  stmt = kouan_server_db_stmt (self,
      "SELECT 1 FROM memberships, json_each (memberships.roles) "
      "WHERE user_id = ?1 AND enterprise_id = ?2 AND json_each.value = 'admin'");
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, enterprise_id);
  is_admin = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);

  return is_admin;
}
