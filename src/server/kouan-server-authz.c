/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-json.h"
#include "kouan-permissions.h"
#include "kouan-server.h"

/* The permission model (docs/architecture.md, "Permissions"):
 *
 * - A member may use a permission only while the membership is active.
 * - The message center and the personal center are every active member's
 *   own (their notices, their account): open without a grant.
 * - Everything else needs a grant valid today (starts_on <= today <=
 *   ends_on, ends_on NULL = open-ended; dates in China time, UTC+8) of a
 *   role holding the permission. The built-in 管理员 role holds every
 *   permission. "manage" implies "view"; a parent menu's "view" is implied
 *   by any right on one of its children.
 *
 * Checked on every request from the database: a grant that ended
 * yesterday gives nothing today, whatever the client believes. */

static const char *const open_menus[] = { "messages", "personal" };

static gboolean
menu_is_open (const char *menu)
{
  for (guint i = 0; i < G_N_ELEMENTS (open_menus); i++)
    {
      gsize n = strlen (open_menus[i]);

      if (strncmp (menu, open_menus[i], n) == 0 && (menu[n] == '\0' || menu[n] == '.'))
        return TRUE;
    }
  return FALSE;
}

char *
kouan_server_today (KouanServer *self)
{
  g_autoptr(GTimeZone) china = NULL;
  g_autoptr(GDateTime) now = NULL;

  if (self->today != NULL)
    return g_strdup (self->today);

  /* China has one time zone and no daylight saving: a fixed offset. */
  china = g_time_zone_new_offset (8 * 60 * 60);
  now = g_date_time_new_now (china);
  return g_date_time_format (now, "%Y-%m-%d");
}

gboolean
kouan_server_authz_is_active (KouanServer *self,
                              gint64       user_id,
                              gint64       enterprise_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id"
    " WHERE m.user_id = ?1 AND m.enterprise_id = ?2 AND m.status = 'active' AND u.active = 1");
  gboolean active;

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, enterprise_id);
  active = kouan_server_db_row (self, stmt);
  sqlite3_reset (stmt);
  return active;
}

static void
add_permission (JsonArray  *array,
                const char *menu,
                const char *right)
{
  g_autofree char *permission = g_strdup_printf ("%s:%s", menu, right);

  json_array_add_string_element (array, permission);
}

/* The stored permissions that give @menu:@right, as a JSON array. */
static char *
satisfying_json (const char *menu,
                 gboolean    manage)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  guint n_menus;
  const KouanMenu *menus = kouan_permissions_menus (&n_menus);

  add_permission (array, menu, "manage");
  if (!manage)
    {
      add_permission (array, menu, "view");
      /* any right on a descendant opens the parent for viewing */
      for (guint i = 0; i < n_menus; i++)
        {
          gsize n = strlen (menu);

          if (strncmp (menus[i].id, menu, n) == 0 && menus[i].id[n] == '.')
            {
              add_permission (array, menus[i].id, "view");
              add_permission (array, menus[i].id, "manage");
            }
        }
    }

  json_node_set_array (node, array);
  return kouan_json_to_string (node);
}

gboolean
kouan_server_authz_allows (KouanServer *self,
                           gint64       user_id,
                           gint64       enterprise_id,
                           const char  *permission)
{
  g_autofree char *menu = NULL;
  g_autofree char *today = NULL;
  g_autofree char *satisfying = NULL;
  gboolean manage = FALSE;
  gboolean allowed;
  sqlite3_stmt *stmt;

  if (!kouan_permission_parse (permission, &menu, &manage))
    {
      g_critical ("Route asks for unknown permission %s", permission);
      return FALSE;
    }

  if (!kouan_server_authz_is_active (self, user_id, enterprise_id))
    return FALSE;
  if (menu_is_open (menu))
    return TRUE;

  today = kouan_server_today (self);
  satisfying = satisfying_json (menu, manage);
  stmt = kouan_server_db_stmt (self,
    "SELECT 1 FROM grants g JOIN roles r ON r.id = g.role_id"
    " WHERE g.user_id = ?1 AND g.enterprise_id = ?2"
    "   AND g.starts_on <= ?3 AND (g.ends_on IS NULL OR g.ends_on >= ?3)"
    "   AND (r.builtin = 1 OR EXISTS (SELECT 1 FROM role_permissions p, json_each (?4) j"
    "                                 WHERE p.role_id = r.id AND p.permission = j.value))"
    " LIMIT 1");
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, enterprise_id);
  sqlite3_bind_text (stmt, 3, today, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, satisfying, -1, SQLITE_TRANSIENT);
  allowed = kouan_server_db_row (self, stmt);
  sqlite3_reset (stmt);

  return allowed;
}

static void
add_with_implied (GHashTable *set,
                  const char *permission)
{
  g_autofree char *menu_id = NULL;
  gboolean manage;
  const KouanMenu *menu;

  if (!kouan_permission_parse (permission, &menu_id, &manage))
    return; /* a permission of a menu this server no longer has */

  g_hash_table_add (set, g_strdup (permission));
  if (manage)
    g_hash_table_add (set, g_strdup_printf ("%s:view", menu_id));
  for (menu = kouan_permissions_lookup_menu (menu_id);
       menu != NULL && menu->parent != NULL;
       menu = kouan_permissions_lookup_menu (menu->parent))
    g_hash_table_add (set, g_strdup_printf ("%s:view", menu->parent));
}

static void
add_menu (GHashTable      *set,
          const KouanMenu *menu)
{
  g_autofree char *view = g_strdup_printf ("%s:view", menu->id);

  add_with_implied (set, view);
  if (menu->manage)
    {
      g_autofree char *manage = g_strdup_printf ("%s:manage", menu->id);

      add_with_implied (set, manage);
    }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

JsonArray *
kouan_server_authz_permissions_json (KouanServer *self,
                                     gint64       user_id,
                                     gint64       enterprise_id)
{
  g_autoptr(GHashTable) set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *today = NULL;
  g_autofree gpointer *keys = NULL;
  JsonArray *array = json_array_new ();
  guint n_menus, n_keys;
  const KouanMenu *menus = kouan_permissions_menus (&n_menus);
  sqlite3_stmt *stmt;

  if (!kouan_server_authz_is_active (self, user_id, enterprise_id))
    return array;

  for (guint i = 0; i < n_menus; i++)
    if (menu_is_open (menus[i].id))
      add_menu (set, &menus[i]);

  today = kouan_server_today (self);
  stmt = kouan_server_db_stmt (self,
    "SELECT r.builtin, p.permission FROM grants g JOIN roles r ON r.id = g.role_id"
    " LEFT JOIN role_permissions p ON p.role_id = r.id"
    " WHERE g.user_id = ?1 AND g.enterprise_id = ?2"
    "   AND g.starts_on <= ?3 AND (g.ends_on IS NULL OR g.ends_on >= ?3)");
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, enterprise_id);
  sqlite3_bind_text (stmt, 3, today, -1, SQLITE_TRANSIENT);
  while (kouan_server_db_row (self, stmt))
    {
      if (sqlite3_column_int (stmt, 0))
        {
          for (guint i = 0; i < n_menus; i++)
            add_menu (set, &menus[i]);
        }
      else if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
        add_with_implied (set, (const char *) sqlite3_column_text (stmt, 1));
    }
  sqlite3_reset (stmt);

  keys = g_hash_table_get_keys_as_array (set, &n_keys);
  qsort (keys, n_keys, sizeof (gpointer), compare_strings);
  for (guint i = 0; i < n_keys; i++)
    json_array_add_string_element (array, keys[i]);
  return array;
}

JsonArray *
kouan_server_authz_roles_json (KouanServer *self,
                               gint64       user_id,
                               gint64       enterprise_id)
{
  g_autofree char *today = kouan_server_today (self);
  JsonArray *array = json_array_new ();
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT DISTINCT CASE WHEN r.builtin THEN 'admin' ELSE r.name END, r.builtin"
    " FROM grants g JOIN roles r ON r.id = g.role_id"
    " WHERE g.user_id = ?1 AND g.enterprise_id = ?2"
    "   AND g.starts_on <= ?3 AND (g.ends_on IS NULL OR g.ends_on >= ?3)"
    " ORDER BY r.builtin DESC, r.name");

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, enterprise_id);
  sqlite3_bind_text (stmt, 3, today, -1, SQLITE_TRANSIENT);
  while (kouan_server_db_row (self, stmt))
    json_array_add_string_element (array, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return array;
}

gint64
kouan_server_authz_count_admins (KouanServer *self,
                                 gint64       enterprise_id)
{
  g_autofree char *today = kouan_server_today (self);
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT count (DISTINCT g.user_id) FROM grants g"
    " JOIN roles r ON r.id = g.role_id AND r.builtin = 1"
    " JOIN memberships m ON m.user_id = g.user_id AND m.enterprise_id = g.enterprise_id"
    " JOIN users u ON u.id = g.user_id"
    " WHERE g.enterprise_id = ?1 AND m.status = 'active' AND u.active = 1"
    "   AND g.starts_on <= ?2 AND (g.ends_on IS NULL OR g.ends_on >= ?2)");
  gint64 count = 0;

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_text (stmt, 2, today, -1, SQLITE_TRANSIENT);
  if (kouan_server_db_row (self, stmt))
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return count;
}

/* A member who may now view a collection missed its records: the feed
 * left them out while the member could not see them, and the member's
 * cursor is past them. Each record of the collections the member may view
 * gets a change row of the member's own, newer than the cursor, so the
 * next pull brings them (records already there are simply upserted
 * again). Grant changes are rare; this costs one row per record. */
static void
reissue_visible (KouanServer *self,
                 gint64       enterprise_id,
                 gint64       user_id)
{
  GHashTableIter iter;
  gpointer value;
  g_autoptr(GError) error = NULL;

  if (self->collections == NULL)
    return;
  g_hash_table_iter_init (&iter, self->collections);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const KouanServerCollection *collection = value;
      sqlite3_stmt *stmt;

      if (collection->view_permission == NULL ||
          !kouan_server_authz_allows (self, user_id, enterprise_id, collection->view_permission))
        continue;
      stmt = kouan_server_db_stmt (self,
        "INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
        " SELECT DISTINCT ?1, ?2, ?3, record_id FROM changes"
        " WHERE enterprise_id = ?1 AND collection = ?3 AND user_id IS NULL");
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      sqlite3_bind_int64 (stmt, 2, user_id);
      sqlite3_bind_text (stmt, 3, collection->name, -1, SQLITE_STATIC);
      if (!kouan_server_db_step_done (self, stmt, &error))
        {
          g_warning ("Cannot reissue %s: %s", collection->name, error->message);
          g_clear_error (&error);
        }
    }
}

void
kouan_server_authz_touch_access (KouanServer *self,
                                 gint64       enterprise_id,
                                 gint64       user_id)
{
  sqlite3_stmt *del = kouan_server_db_stmt (self,
    "DELETE FROM changes WHERE enterprise_id = ?1 AND collection = 'access'"
    " AND (?2 = 0 OR record_id = ?2)");
  sqlite3_stmt *ins = kouan_server_db_stmt (self,
    "INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
    " SELECT enterprise_id, user_id, 'access', user_id FROM memberships"
    " WHERE enterprise_id = ?1 AND (?2 = 0 OR user_id = ?2)");
  g_autoptr(GError) error = NULL;

  sqlite3_bind_int64 (del, 1, enterprise_id);
  sqlite3_bind_int64 (del, 2, user_id);
  sqlite3_bind_int64 (ins, 1, enterprise_id);
  sqlite3_bind_int64 (ins, 2, user_id);
  if (!kouan_server_db_step_done (self, del, &error) ||
      !kouan_server_db_step_done (self, ins, &error))
    g_warning ("Cannot mark access as changed: %s", error->message);
  if (user_id != 0)
    reissue_visible (self, enterprise_id, user_id);
  /* at startup (the first grant check) no socket exists yet */
  if (self->sockets != NULL)
    kouan_server_events_notify (self, enterprise_id, user_id);
}
