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
  g_autoptr(GError) error = NULL;
  gboolean active = FALSE;

  if (!self->storage->people->member_active (self->storage, user_id, enterprise_id,
                                             &active, &error))
    {
      kouan_server_storage_failed (self, error);
      return FALSE;
    }
  return active;
}

/* The stored permissions that give @menu:@right (transfer full,
 * NULL-terminated). */
static GStrv
satisfying_permissions (const char *menu,
                        gboolean    manage)
{
  GPtrArray *builder = g_ptr_array_new ();
  guint n_menus;
  const KouanMenu *menus = kouan_permissions_menus (&n_menus);

  g_ptr_array_add (builder, g_strdup_printf ("%s:manage", menu));
  if (!manage)
    {
      gsize n = strlen (menu);

      g_ptr_array_add (builder, g_strdup_printf ("%s:view", menu));
      /* any right on a descendant opens the parent for viewing */
      for (guint i = 0; i < n_menus; i++)
        if (strncmp (menus[i].id, menu, n) == 0 && menus[i].id[n] == '.')
          {
            g_ptr_array_add (builder, g_strdup_printf ("%s:view", menus[i].id));
            g_ptr_array_add (builder, g_strdup_printf ("%s:manage", menus[i].id));
          }
    }
  g_ptr_array_add (builder, NULL);
  return (GStrv) g_ptr_array_free (builder, FALSE);
}

gboolean
kouan_server_authz_allows (KouanServer *self,
                           gint64       user_id,
                           gint64       enterprise_id,
                           const char  *permission)
{
  g_autofree char *menu = NULL;
  g_autofree char *today = NULL;
  g_auto(GStrv) satisfying = NULL;
  g_autoptr(GError) error = NULL;
  gboolean manage = FALSE;
  gboolean allowed = FALSE;

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
  satisfying = satisfying_permissions (menu, manage);
  if (!self->storage->people->grant_allows (self->storage, user_id, enterprise_id, today,
                                            (const char * const *) satisfying,
                                            &allowed, &error))
    {
      kouan_server_storage_failed (self, error);
      return FALSE;
    }
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
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  gboolean builtin = FALSE;

  if (!kouan_server_authz_is_active (self, user_id, enterprise_id))
    return array;

  for (guint i = 0; i < n_menus; i++)
    if (menu_is_open (menus[i].id))
      add_menu (set, &menus[i]);

  today = kouan_server_today (self);
  if (!self->storage->people->grant_permissions (self->storage, user_id, enterprise_id, today,
                                                 &builtin, held, &error))
    {
      kouan_server_storage_failed (self, error);
      return array;
    }
  if (builtin)
    for (guint i = 0; i < n_menus; i++)
      add_menu (set, &menus[i]);
  for (guint i = 0; i < held->len; i++)
    add_with_implied (set, g_ptr_array_index (held, i));

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
  g_autoptr(GPtrArray) roles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  JsonArray *array = json_array_new ();

  if (!self->storage->people->grant_roles (self->storage, user_id, enterprise_id, today,
                                           roles, &error))
    {
      kouan_server_storage_failed (self, error);
      return array;
    }
  for (guint i = 0; i < roles->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (roles, i));
  return array;
}

gint64
kouan_server_authz_count_admins (KouanServer *self,
                                 gint64       enterprise_id)
{
  g_autofree char *today = kouan_server_today (self);
  g_autoptr(GError) error = NULL;
  gint64 count = 0;

  if (!self->storage->people->admins_count (self->storage, enterprise_id, today, &count, &error))
    kouan_server_storage_failed (self, error);
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

      if (collection->view_permission == NULL ||
          !kouan_server_authz_allows (self, user_id, enterprise_id, collection->view_permission))
        continue;
      if (!self->storage->people->changes_reissue (self->storage, enterprise_id, user_id,
                                                   collection->name, &error))
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
  g_autoptr(GError) error = NULL;

  if (!self->storage->people->access_touch (self->storage, enterprise_id, user_id, &error))
    g_warning ("Cannot mark access as changed: %s", error->message);
  if (user_id != 0)
    reissue_visible (self, enterprise_id, user_id);
  /* at startup (the first grant check) no socket exists yet */
  if (self->sockets != NULL)
    kouan_server_events_notify (self, enterprise_id, user_id);
}
